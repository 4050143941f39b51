# Debian's redis-server (7.0) on a Debian bookworm base, for machines that cannot pull the public `redis` image:
# docker/cluster.compose.yaml takes it through RPCWS_REDIS_IMAGE, the interop suite's container mode through
# -Drpcws.cluster.redis.image (scripts/container-mode.sh builds it as localhost/rpcws-redis:local where it uses podman).
# Build from the repository root:
#   docker build -f docker/redis.Dockerfile -t rpcws/redis --build-arg BASE_IMAGE=localhost/debian:bookworm .
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/*
CMD ["redis-server", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
