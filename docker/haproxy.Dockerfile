# Debian's HAProxy (2.6) on a Debian bookworm base, for machines that cannot pull the public `haproxy` image:
# docker/cluster.compose.yaml takes it through RPCWS_HAPROXY_IMAGE, the interop suite's container mode through
# -Drpcws.cluster.haproxy.image (scripts/container-mode.sh builds it as localhost/rpcws-haproxy:local where it uses podman).
# Build from the repository root:
#   docker build -f docker/haproxy.Dockerfile -t rpcws/haproxy --build-arg BASE_IMAGE=localhost/debian:bookworm .
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends haproxy \
 && rm -rf /var/lib/apt/lists/*
