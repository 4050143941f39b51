package dev.rpcws.features;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import java.net.URI;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Node or Python agent in a container, run by Testcontainers from the images that scripts/container-mode.sh
 * builds from docker/ with the engine's own CLI (building through the Docker API of podman can leave the build
 * stream open forever). Host networking keeps all traffic on 127.0.0.1: the agent reaches the servers and the
 * suite reaches the agent as local processes do.
 */
final class ContainerAgent implements AutoCloseable {
    static final String NODE_IMAGE = "localhost/rpcws-agent-js:local";
    static final String PYTHON_IMAGE = "localhost/rpcws-agent-python:local";
    private static final Pattern READY = Pattern.compile("listening control=(\\d+)");
    private final GenericContainer<?> container;
    private final URI control;

    private ContainerAgent(GenericContainer<?> container, URI control) {
        this.container = container;
        this.control = control;
    }

    /**
     * {@code language}: node, node-legacy (the same image, the agent told to host rpc-websockets 7.7.0), python or
     * python-sync (the same image, the agent told to host the blocking client).
     */
    static ContainerAgent start(String language) {
        String image = language.startsWith("node") ? NODE_IMAGE : PYTHON_IMAGE;
        if (!DockerClientFactory.instance().client().listImagesCmd().withImageNameFilter(image).exec().iterator().hasNext()) {
            throw new IllegalStateException("no image " + image + ": build it with bash scripts/container-mode.sh");
        }
        String[] command = switch (language) {
            case "node-legacy" -> new String[] {"--port", "0", "--library", "legacy"};
            case "python-sync" -> new String[] {"--port", "0", "--client", "sync"};
            default -> new String[] {"--port", "0"};
        };
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                .withNetworkMode("host")
                .withCommand(command)
                .waitingFor(Wait.forLogMessage(".*listening control=\\d+.*\\n", 1).withStartupTimeout(Duration.ofMinutes(2)));
        c.start();
        Matcher m = READY.matcher(c.getLogs());
        if (!m.find()) throw new IllegalStateException(language + " agent container printed no control port: " + c.getLogs());
        return new ContainerAgent(c, URI.create("http://127.0.0.1:" + m.group(1)));
    }

    URI control() {
        return control;
    }

    @Override public void close() {
        container.stop();
    }
}
