# The Node reference server: the npm rpc-websockets 10.0.1 Server with the compat fixture (clients-js).
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
COPY clients-js/reference-server.mjs ./
ENTRYPOINT ["node", "reference-server.mjs"]
CMD ["--port", "8082", "--admin-port", "8083"]
