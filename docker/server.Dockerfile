# The Jetty server (rpcws-server.jar) with the compat fixture. Build from the repository root:
#   docker build -f docker/server.Dockerfile -t rpcws/server .
# BASE_IMAGE: any Debian bookworm image (a public one by default; a local debootstrap import where no registry is reachable).
#
# The first stage, `runtime`, is the Java runtime with the server's command line and no jar: the interop suite's
# container mode builds only it (--target runtime, cached between runs) and copies in the jar its own Maven run just
# built, so that no run builds the server inside an image. It comes first so that no builder runs the stages after it.
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/*
# JVM flags: bench/README.md ("The Jetty server's JVM flags") says why.
ENTRYPOINT ["java", "-XX:+UseParallelGC", "-Xmn32m", "-jar", "/app/rpcws-server.jar"]

FROM ${BASE_IMAGE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jdk-headless curl unzip ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN ./mvnw -q -B -ntp -DskipTests package -pl server -am

FROM runtime
COPY --from=build /src/server/target/rpcws-server.jar /app/rpcws-server.jar
CMD ["--port", "8080", "--admin-port", "8081", "--fixture", "compat"]
