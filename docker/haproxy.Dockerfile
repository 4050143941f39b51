# Debian's HAProxy (2.6) on a Debian bookworm base, for machines that cannot pull the public `haproxy` image:
# docker/cluster.compose.yaml takes it through RPCWS_HAPROXY_IMAGE. Build from the repository root:
#   docker build -f docker/haproxy.Dockerfile -t rpcws/haproxy --build-arg BASE_IMAGE=localhost/debian:bookworm .
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends haproxy \
 && rm -rf /var/lib/apt/lists/*
