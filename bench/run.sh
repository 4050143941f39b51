#!/usr/bin/env bash
# The side-by-side benchmark: the Jetty server (rpcws) and the canonical rpc-websockets Node server on this
# machine, in one run, driven by the same load generator over 127.0.0.1. Prints the table and writes it to
# bench/results/latest.md. About 3-4 minutes on 2 cores. Options pass through (see bench/README.md), e.g.
#   bash bench/run.sh --quick          # a 1-minute smoke run with smaller numbers (writes the report too)
#   bash bench/run.sh --out /tmp/x.md  # write the report elsewhere
set -euo pipefail
cd "$(dirname "$0")/.."

# The JVM flags the Jetty server runs with here (bench/README.md says why); override to compare.
JETTY_JVM_FLAGS="${JETTY_JVM_FLAGS:--XX:+UseParallelGC -Xmn32m}"

[ -d clients-js/node_modules/rpc-websockets ] || (cd clients-js && npm ci --no-audit --no-fund --loglevel=error)
echo "== building the server and the benchmark (./mvnw package, tests skipped)"
./mvnw -q -B -pl server,bench -am -DskipTests package

# 10,000 idle connections: the generator holds one descriptor per connection, and so does each server.
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -ge 65536 ]; then ulimit -n 65536; else ulimit -n "$hard"; fi
echo "== open-files limit: $(ulimit -n)"

exec java -XX:+UseSerialGC -jar bench/target/rpcws-bench.jar --jetty-jvm-flags "$JETTY_JVM_FLAGS" "$@"
