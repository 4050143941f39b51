#!/usr/bin/env bash
# All tests: the Java modules (protocol, testkit, server, SDK, interop suite), clients-js and clients-python.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

bash scripts/setup.sh

echo "== Java: ./mvnw verify (builds the server jar the Python tests use)"
./mvnw -B -ntp verify

echo "== clients-js: npm test"
(cd clients-js && npm test)

echo "== clients-python: pytest"
(cd clients-python && .venv/bin/python -m pytest -q)

echo "== all tests passed in $(( $(date +%s) - start )) s"
