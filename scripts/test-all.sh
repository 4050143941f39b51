#!/usr/bin/env bash
# All tests: the Java modules (protocol, testkit, server, SDK, the differential fuzzer, the cluster tests, interop
# suite with its matrix in local-process mode), the local cluster command, clients-js, clients-python (type check,
# tests, package build), then the matrix again with the agents in containers.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

bash scripts/setup.sh

echo "== Java: ./mvnw verify (builds the server jar the Python tests use)"
./mvnw -B -ntp verify
cat features/target/compat-matrix.txt

echo "== scripts/cluster.sh: up, status, down"
bash scripts/cluster.sh up
bash scripts/cluster.sh status
bash scripts/cluster.sh down

echo "== clients-js: npm test"
(cd clients-js && npm test)

echo "== bench/node: npm test"
(cd bench/node && npm test)

echo "== clients-python: mypy --strict, pytest, then the wheel and sdist as a user installs them"
(cd clients-python && .venv/bin/python -m mypy)
(cd clients-python && .venv/bin/python -m pytest -q)
bash scripts/python-dist.sh

echo "== container mode: Node and Python agents in containers"
bash scripts/container-mode.sh

echo "== all tests passed in $(( $(date +%s) - start )) s"
