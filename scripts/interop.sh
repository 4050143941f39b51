#!/usr/bin/env bash
# The main job: the interop matrix. Every client scenario for the Java, Node (10.0.1 and 7.7.0), Python (asyncio
# and blocking) and browser clients against the Jetty server, the canonical Node server and the Jetty server with
# compression, then the server-only scenarios.
# Prints one line per client x server run as it finishes, then a count per feature, the summary and every
# failing cell (features/target/compat-matrix.txt, at most 120 columns); the full tables are in
# features/target/compat-matrix.md and .html. Maven's own output goes to features/target/interop-maven.log and
# is shown only when the build itself fails. Agents run as local processes (the embedded default). Extra Maven
# options pass through, e.g.
#   bash scripts/interop.sh -Drpcws.clients=java,python -Drpcws.servers=jetty
set -uo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

bash scripts/setup.sh || exit 1

target=features/target
log=$target/interop-maven.log
lines=$target/compat-matrix.txt
mkdir -p "$target"
rm -f "$target"/compat-matrix.md "$target"/compat-matrix.html
: > "$lines"
echo "== interop matrix: building, then one line per run as it finishes (Maven's output: $log)"
./mvnw -B -ntp verify -pl features -am -Dtest=InteropMatrixTest -Dsurefire.failIfNoSpecifiedTests=false "$@" > "$log" 2>&1 &
maven=$!
# The test appends to $lines as runs finish; tail stops once Maven has exited and the file is read to its end.
tail -n +1 -F --pid="$maven" "$lines" 2>/dev/null
wait "$maven"
status=$?

if [ -f "$target/compat-matrix.html" ]; then
  echo
  echo "Reports: $target/compat-matrix.html (and .md), each scenario's steps: $target/cucumber/"
fi
if [ "$status" -ne 0 ] && ! grep -q ' cells: ' "$lines"; then
  echo
  echo "The build failed before the matrix was complete; Maven's errors:"
  grep -E '^\[ERROR\]' "$log" | head -40
fi
[ "$status" -ne 0 ] && echo "Maven's full output: $log"
echo "== interop matrix $([ "$status" -eq 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - start )) s"
exit $status
