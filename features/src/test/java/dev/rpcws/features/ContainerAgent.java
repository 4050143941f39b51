package dev.rpcws.features;

import dev.rpcws.testkit.Repo;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Node or Python agent in a container, built from docker/ by Testcontainers. Host networking keeps all
 * traffic on 127.0.0.1: the agent reaches the servers and the suite reaches the agent as local processes do.
 * The base image is {@code -Drpcws.baseImage} (a public Debian image by default; a local debootstrap
 * import where no registry is reachable, see scripts/container-engine.sh).
 */
final class ContainerAgent implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("listening control=(\\d+)");
    private final GenericContainer<?> container;
    private final URI control;

    private ContainerAgent(GenericContainer<?> container, URI control) {
        this.container = container;
        this.control = control;
    }

    /** {@code language}: node, node-legacy (the same image, the agent told to host rpc-websockets 7.7.0) or python. */
    static ContainerAgent start(String language) {
        String[] command = language.equals("node-legacy") ? new String[] {"--port", "0", "--library", "legacy"} : new String[] {"--port", "0"};
        GenericContainer<?> c = new GenericContainer<>(image(language))
                .withNetworkMode("host")
                .withCommand(command)
                .waitingFor(Wait.forLogMessage(".*listening control=\\d+.*\\n", 1).withStartupTimeout(Duration.ofMinutes(5)));
        c.start();
        Matcher m = READY.matcher(c.getLogs());
        if (!m.find()) throw new IllegalStateException(language + " agent container printed no control port: " + c.getLogs());
        return new ContainerAgent(c, URI.create("http://127.0.0.1:" + m.group(1)));
    }

    private static ImageFromDockerfile image(String language) {
        String base = System.getProperty("rpcws.baseImage", "debian:bookworm-slim");
        // Only the files the image needs go into the build context (not node_modules, .venv or target/).
        if (language.startsWith("node")) {
            return new ImageFromDockerfile("rpcws/agent-js:local", false)
                    .withFileFromPath("Dockerfile", Repo.path("docker/agent-js.Dockerfile"))
                    .withFileFromPath("clients-js/package.json", Repo.path("clients-js/package.json"))
                    .withFileFromPath("clients-js/package-lock.json", Repo.path("clients-js/package-lock.json"))
                    .withFileFromPath("clients-js/agent.mjs", Repo.path("clients-js/agent.mjs"))
                    .withFileFromPath("clients-js/hosted-client.mjs", Repo.path("clients-js/hosted-client.mjs"))
                    .withFileFromPath("clients-js/reference-server.mjs", Repo.path("clients-js/reference-server.mjs"))
                    .withBuildArg("BASE_IMAGE", base);
        }
        Path src = Repo.path("clients-python/src");
        return new ImageFromDockerfile("rpcws/agent-python:local", false)
                .withFileFromPath("Dockerfile", Repo.path("docker/agent-python.Dockerfile"))
                .withFileFromPath("clients-python/pyproject.toml", Repo.path("clients-python/pyproject.toml"))
                .withFileFromPath("clients-python/README.md", Repo.path("clients-python/README.md"))
                .withFileFromPath("clients-python/src", src)
                .withBuildArg("BASE_IMAGE", base);
    }

    URI control() {
        return control;
    }

    @Override public void close() {
        container.stop();
    }
}
