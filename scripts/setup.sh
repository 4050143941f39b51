#!/usr/bin/env bash
# Installs what every test needs, from the public registries only: the Node packages of clients-js
# (npm ci, exact lock) and a Python virtualenv for clients-python. Maven dependencies come with ./mvnw.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== clients-js: npm ci"
(cd clients-js && npm ci --no-audit --no-fund --loglevel=error)

echo "== clients-python: virtualenv + pip"
if [ ! -x clients-python/.venv/bin/python ]; then
  python3 -m venv clients-python/.venv
fi
clients-python/.venv/bin/python -m pip install --quiet --disable-pip-version-check -e "clients-python[test]"
