# The Python agent: rpcws_client (clients-python) behind the agent control API.
# Build from the repository root:  docker build -f docker/agent-python.Dockerfile -t rpcws/agent-python .
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# Trust the system CA store (pip otherwise uses only its bundled list).
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt
WORKDIR /app
COPY clients-python/pyproject.toml clients-python/README.md ./
COPY clients-python/src ./src
RUN python3 -m venv /venv && /venv/bin/pip install --quiet --disable-pip-version-check .
ENTRYPOINT ["/venv/bin/python", "-m", "rpcws_client.agent"]
CMD ["--port", "8091"]
