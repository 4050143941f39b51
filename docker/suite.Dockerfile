# The interop suite itself, for docker/compose.yaml: the repository with Java 17, Node, Python and Chromium,
# ready to run (procps: the freeze scenarios pause and resume server processes with kill -STOP / -CONT).
# Debian's nodejs is 18: it runs the reference server and restarted servers; Playwright runs its driver on the
# Node.js its own jar carries (it needs 20 or newer).
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-17-jdk-headless nodejs npm python3 python3-venv procps chromium ca-certificates curl unzip \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt PIP_CERT=/etc/ssl/certs/ca-certificates.crt
WORKDIR /src
COPY . .
RUN bash scripts/setup.sh && ./mvnw -q -B -ntp -DskipTests install
ENTRYPOINT ["bash", "scripts/interop.sh"]
