#!/usr/bin/env bash
# The interop matrix again, with the Node and Python agents (the Python one for each Python client) in
# containers (Testcontainers), built from docker/, and the cluster row with Redis, its three nodes and HAProxy each in
# a container of its own (the Java SDK and the agents as clients). Uses the Docker engine named by DOCKER_HOST (or
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

# The engine's CLI builds the images (layers cached between runs); Testcontainers then runs them.
build() {  # IMAGE DOCKERFILE [build options]
  local image=$1 file=$2; shift 2
  if ! timeout 1200 "$cli" build -q -f "docker/$file" -t "localhost/rpcws-$image:local" --build-arg BASE_IMAGE="$base_image" "$@" . >/dev/null; then
    echo "== container mode FAILED: the $image image did not build"; exit 1
  fi
}
echo "== building the images with $cli (base image $base_image)"
build agent-js agent-js.Dockerfile
build agent-python agent-python.Dockerfile
# The cluster's nodes: the Java runtime alone; the suite copies in the jar its Maven run builds below.
build server-runtime server.Dockerfile --target runtime
cluster_images=()
if [ "$cli" = podman ]; then
  # No registry for the public redis and haproxy images: Debian's packages on the local base image instead.
  build redis redis.Dockerfile
  build haproxy haproxy.Dockerfile
  cluster_images=(-Drpcws.cluster.redis.image=localhost/rpcws-redis:local -Drpcws.cluster.haproxy.image=localhost/rpcws-haproxy:local)
fi

echo "== interop matrix, agents and the cluster in containers (DOCKER_HOST=${DOCKER_HOST:-/var/run/docker.sock}, base image $base_image)"
rm -f features/target/compat-matrix-containers.*
# The compressed runs prove nothing more with the agents in containers: the two plain servers suffice here. The
# Java SDK runs in the test JVM as in the local mode, so it runs here against the cluster in containers only; the
# blocking Python client does not (it runs the asyncio client's scenarios, from the same image; the local cluster
# row runs it).
./mvnw -B -ntp verify -pl features -am -Dtest=InteropMatrixTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Drpcws.agents=container -Drpcws.clients=node,node-legacy,python,python-sync -Drpcws.servers=jetty,node,cluster \
  -Drpcws.cluster=container -Drpcws.clients.cluster=java,node,node-legacy,python "${cluster_images[@]}" \
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
