#!/usr/bin/env bash
# Installs what every test needs, from the public registries only: the Node packages of clients-js
# (npm ci, exact lock: rpc-websockets 10.0.1 and, as rpc-websockets-legacy, 7.7.0) and of the bench's ws load
# generator (bench/node: ws, hdr-histogram-js), a Python virtualenv for
# clients-python, Debian's chromium for the browser column of the interop matrix, and Debian's redis-server and
# haproxy for the cluster (scripts/cluster.sh, the cluster tests). Maven dependencies,
# Playwright included, come with ./mvnw; the suite tells Playwright never to download a browser, and Playwright
# runs its driver on the Node.js its own jar carries (features/.../drivers/Chromium.java), so the system's
# node only runs the agents and the reference server (Node 18 or newer).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== setup: npm ci in clients-js and bench/node, the Python virtualenv of clients-python, Chromium, redis-server, haproxy"
(cd clients-js && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
(cd bench/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

if [ ! -x clients-python/.venv/bin/python ]; then
  python3 -m venv clients-python/.venv
fi
clients-python/.venv/bin/python -m pip install --quiet --disable-pip-version-check -e "clients-python[test]"
# The server's MetricsTest reads /metrics with the Prometheus project's Python parser.
clients-python/.venv/bin/python -m pip install --quiet --disable-pip-version-check prometheus-client==0.26.0

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then as_root=(); elif sudo -n true 2>/dev/null; then as_root=(sudo -n); else
    echo "Debian packages missing and this user cannot install them: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian launcher script prints a harmless shell warning on some machines; keep only the version line.
/usr/bin/chromium --version 2>/dev/null
