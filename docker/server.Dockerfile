# The Jetty server (rpcws-server.jar) with the compat fixture. Build from the repository root:
#   docker build -f docker/server.Dockerfile -t rpcws/server .
# BASE_IMAGE: any Debian bookworm image (a public one by default; a local debootstrap import where no registry is reachable).
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jdk-headless curl unzip ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN ./mvnw -q -B -ntp -DskipTests package -pl server -am

FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/server/target/rpcws-server.jar /app/rpcws-server.jar
# JVM flags: bench/README.md ("The Jetty server's JVM flags") says why.
ENTRYPOINT ["java", "-XX:+UseParallelGC", "-Xmn32m", "-jar", "/app/rpcws-server.jar"]
CMD ["--port", "8080", "--admin-port", "8081", "--fixture", "compat"]
