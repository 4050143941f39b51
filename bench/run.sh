#!/usr/bin/env bash
# The side-by-side benchmark: the Jetty server (rpcws), the canonical rpc-websockets Node server and the floor
# (a minimal NIO WebSocket server) on this machine in one run, driven over 127.0.0.1 by two load generators (Java
# NIO and Node ws). Prints the tables, writes them to bench/results/latest.md with the figures as JSON and one
# plot per series next to them. About 25 minutes on 2 cores. Options pass through (see bench/README.md), e.g.
#   bash bench/run.sh --quick               # every figure at small sizes, about 2-3 minutes: bench/results/quick/
#   bash bench/run.sh --generator ws        # one generator only (nio, ws or both)
#   bash bench/run.sh --profile             # and JFR of the Jetty server over its measured windows
#   bash bench/run.sh --only calls --out /tmp/calls.md
set -euo pipefail
cd "$(dirname "$0")/.."

# The JVM flags the Jetty server (and the floor) run with here (bench/README.md says why); override to compare.
JETTY_JVM_FLAGS="${JETTY_JVM_FLAGS:--XX:+UseParallelGC -Xmn32m}"
# The whole run is bounded: past this many seconds it is stopped, with every process it started.
limit="${BENCH_TIME_LIMIT:-}"
if [ -z "$limit" ]; then
  limit=3600
  for a in "$@"; do [ "$a" = --quick ] && limit=600; done
fi

[ -d clients-js/node_modules/rpc-websockets ] || (cd clients-js && npm ci --no-audit --no-fund --loglevel=error)
[ -d bench/node/node_modules/hdr-histogram-js ] || (cd bench/node && npm ci --no-audit --no-fund --loglevel=error)
echo "== building the server and the benchmark (./mvnw package, tests skipped)"
./mvnw -q -B -pl server,bench -am -DskipTests package

# The plots: matplotlib in bench/.venv, at the versions of bench/requirements.txt.
if ! cmp -s bench/requirements.txt bench/.venv/requirements.txt 2>/dev/null; then
  echo "== bench/.venv: matplotlib for the plots"
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
  cp bench/requirements.txt bench/.venv/requirements.txt
fi

# Every connection is a descriptor in the server and in a generator. The hard limit is as far as the soft one
# goes without CAP_SYS_RESOURCE (20,000 on this project's machines: bench/README.md, "Limits").
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -ge 1048576 ]; then ulimit -n 1048576; else ulimit -n "$hard"; fi
echo "== open-files limit: $(ulimit -n) per process (hard limit $(ulimit -Hn)); time limit ${limit} s"

descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    descendants "$child"
    echo "$child"
  done
}
bench_pid=
stop_bench() {
  [ -n "$bench_pid" ] || return 0
  local pids
  pids="$(descendants "$bench_pid") $bench_pid"
  # shellcheck disable=SC2086 # a list of pids
  kill -TERM $pids 2>/dev/null || true
  sleep 3
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  bench_pid=
}
trap stop_bench EXIT
trap 'stop_bench; exit 130' INT TERM

mkdir -p bench/target
log=bench/target/bench-run.log
timeout --kill-after=30 "$limit" java -XX:+UseSerialGC -jar bench/target/rpcws-bench.jar --jetty-jvm-flags "$JETTY_JVM_FLAGS" "$@" \
  > >(tee "$log") 2>&1 &
bench_pid=$!
status=0
wait "$bench_pid" || status=$?
bench_pid=
[ "$status" -eq 124 ] && echo "== stopped: the run took over ${limit} s (BENCH_TIME_LIMIT)" >&2
[ "$status" -eq 0 ] || exit "$status"

figures=$(sed -n 's/^figures: \(.*\.json\)$/\1/p' "$log" | tail -1)
[ -z "$figures" ] || bench/.venv/bin/python bench/plot.py "$figures"
