# The Node agent: clients-js/agent.mjs around the npm rpc-websockets 10.0.1 Client (7.7.0 with --library legacy), as published.
# Build from the repository root:  docker build -f docker/agent-js.Dockerfile -t rpcws/agent-js .
# BASE_IMAGE: any Debian bookworm image (a public one by default; a local debootstrap import where no registry is reachable).
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# Trust the system CA store (Node otherwise uses only its built-in list).
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
WORKDIR /app
COPY clients-js/package.json clients-js/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error
COPY clients-js/agent.mjs clients-js/hosted-client.mjs clients-js/reference-server.mjs ./
ENTRYPOINT ["node", "agent.mjs"]
CMD ["--port", "8090"]
