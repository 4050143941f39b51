#!/usr/bin/env bash
# The main job: the interop matrix. Every client scenario for the Java, Node and Python clients against the
# Jetty server and the canonical Node server, then the per-server scenarios; prints the matrix at the end.
# Agents run as local processes (the embedded default). Extra Maven options pass through, e.g.
#   bash scripts/interop.sh -Drpcws.clients=java,python -Drpcws.servers=jetty
set -uo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

bash scripts/setup.sh || exit 1

rm -f features/target/compat-matrix.md
echo "== interop matrix"
./mvnw -B -ntp verify -pl features -am -Dtest=InteropMatrixTest -Dsurefire.failIfNoSpecifiedTests=false "$@"
status=$?

if [ -f features/target/compat-matrix.md ]; then
  echo
  cat features/target/compat-matrix.md
  echo
  echo "Matrix: features/target/compat-matrix.md and .html; scenario reports: features/target/cucumber/"
fi
echo "== interop matrix finished in $(( $(date +%s) - start )) s (exit $status)"
exit $status
