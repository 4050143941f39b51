#!/usr/bin/env bash
# The interop matrix again, with the Node and Python agents (the Python one for each Python client) in
# containers (Testcontainers), built from docker/. Uses the Docker engine named by DOCKER_HOST (or
# /var/run/docker.sock) when there is one; otherwise sets up podman as a Docker-compatible engine
# (scripts/container-engine.sh). Without any engine the container mode is skipped, and says so: it is never
# reported as passed.
set -uo pipefail
cd "$(dirname "$0")/.."

base_image=debian:bookworm-slim
cli=docker
if [ -z "${DOCKER_HOST:-}" ] && ! curl -s --unix-socket /var/run/docker.sock http://d/_ping 2>/dev/null | grep -q OK; then
  if host=$(bash scripts/container-engine.sh); then
    export DOCKER_HOST="$host"
    base_image=localhost/debian:bookworm   # no image registry here: the debootstrap import
    cli=podman
  else
    echo "== container mode SKIPPED: no Docker-compatible engine could be found or set up (see above)"
    exit 0
  fi
fi
# Ryuk (Testcontainers' reaper) needs an image from a registry; the suite stops its containers itself.
export TESTCONTAINERS_RYUK_DISABLED=true

# The engine's CLI builds the agent images (layers cached between runs); Testcontainers then runs them.
echo "== building the agent images with $cli (base image $base_image)"
for image in agent-js agent-python; do
  if ! timeout 1200 "$cli" build -q -f "docker/$image.Dockerfile" -t "localhost/rpcws-$image:local" \
       --build-arg BASE_IMAGE="$base_image" . >/dev/null; then
    echo "== container mode FAILED: the $image image did not build"; exit 1
  fi
done

echo "== interop matrix, agents in containers (DOCKER_HOST=${DOCKER_HOST:-/var/run/docker.sock}, base image $base_image)"
rm -f features/target/compat-matrix-containers.*
# The compressed runs prove nothing more with the agents in containers: the two plain servers suffice here.
./mvnw -B -ntp verify -pl features -am -Dtest=InteropMatrixTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Drpcws.agents=container -Drpcws.clients=node,node-legacy,python,python-sync -Drpcws.servers=jetty,node \
  -Drpcws.matrix.name=compat-matrix-containers \
  "$@"
status=$?
# A podman service this script started goes with it (its conmon helpers would otherwise linger for minutes).
if [ "$base_image" = localhost/debian:bookworm ] && [ -f /run/podman/service.pid ]; then
  kill "$(cat /run/podman/service.pid)" 2>/dev/null || true
  rm -f /run/podman/service.pid
fi
[ -f features/target/compat-matrix-containers.txt ] && cat features/target/compat-matrix-containers.txt
exit $status
