# The Python agent: the rpcws-client package (clients-python) installed as a user would, plus the agent that
# drives it (clients-python/agent/, not part of the package) behind the agent control API.
# Build from the repository root:  docker build -f docker/agent-python.Dockerfile -t rpcws/agent-python .
# Add `--client sync` to the command to host the synchronous client instead of the asyncio one.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# Trust the system CA store (pip otherwise uses only its bundled list).
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt
WORKDIR /build
COPY clients-python/pyproject.toml clients-python/README.md clients-python/LICENSE ./
COPY clients-python/src ./src
RUN python3 -m venv /venv && /venv/bin/pip install --quiet --disable-pip-version-check . && rm -rf /build
WORKDIR /app
COPY clients-python/agent ./agent
ENTRYPOINT ["/venv/bin/python", "-m", "agent"]
CMD ["--port", "8091"]
