package dev.rpcws.features;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.rpcws.testkit.Cluster;
import dev.rpcws.testkit.HaproxyProcess;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.Ports;
import dev.rpcws.testkit.Repo;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster of the container mode: Redis, nodes of the Jetty server and HAProxy, each in a container of its own,
 * run by Testcontainers with host networking, so that everything listens on free ports of 127.0.0.1 as the
 * processes of a {@link dev.rpcws.testkit.LocalCluster} do. The suite kills, drains, freezes and restarts them through
 * the engine's API: SIGKILL, SIGTERM, pause and unpause, and a start of the same container (same command, same
 * ports). HAProxy runs on the same configuration as the local one ({@link HaproxyProcess#config}) and logs to its
 * standard output in the same format, so its health changes are read from the container's log.
 *
 * <p>Images: the nodes run {@value #NODE_IMAGE} (docker/server.Dockerfile's {@code runtime} stage, built by
 * scripts/container-mode.sh) with the runnable jar this build made copied in; Redis and HAProxy run the public
 * {@code redis:7.0} and {@code haproxy:2.6} images unless {@code -Drpcws.cluster.redis.image} and
 * {@code -Drpcws.cluster.haproxy.image} name others (Debian's packages on the local base image, where no registry
 * is reachable: docker/redis.Dockerfile, docker/haproxy.Dockerfile).
 */
final class ContainerCluster implements Cluster<ContainerCluster.Node> {
    static final String NODE_IMAGE = "localhost/rpcws-server-runtime:local";
    private static final String JAR_IN_IMAGE = "/app/rpcws-server.jar";
    private static final String HAPROXY_CONFIG = "/etc/rpcws/haproxy.cfg";
    /** A cold node on a loaded 2-core machine (as {@code ProcessServer}'s start-up wait). */
    private static final Duration NODE_START = Duration.ofSeconds(150);
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration MESH_WAIT = Duration.ofSeconds(30);

    private final Redis redis;
    private final List<Node> nodes;
    private final Balancer haproxy;

    private ContainerCluster(Redis redis, List<Node> nodes, Balancer haproxy) {
        this.redis = redis;
        this.nodes = List.copyOf(nodes);
        this.haproxy = haproxy;
    }

    /**
     * Starts Redis, {@code count} nodes (in parallel) and HAProxy, and returns once every node hears the others on its
     * database; everything started is stopped if a part fails.
     *
     * @param count       the number of nodes, named {@code n1} to {@code n<count>}
     * @param database    the Redis database of each node id's broker (nodes on different ones pass no event between them)
     * @param nodeOptions further options of every node's command line
     */
    static ContainerCluster start(int count, ToIntFunction<String> database, List<String> nodeOptions) {
        Path jar = Repo.path("server/target/rpcws-server.jar");
        if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " is missing: build it with ./mvnw -q -B -DskipTests package -pl server -am");
        requireImage(NODE_IMAGE);
        List<Part> started = new ArrayList<>();
        try {
            Redis redis = new Redis(System.getProperty("rpcws.cluster.redis.image", "redis:7.0"), Ports.free());
            started.add(redis);
            List<CompletableFuture<Node>> starting = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                String id = "n" + i;
                String broker = redis.uri() + "/" + database.applyAsInt(id);
                starting.add(CompletableFuture.supplyAsync(() -> new Node(id, broker, jar, nodeOptions)));
            }
            RuntimeException failed = null;
            List<Node> nodes = new ArrayList<>();
            for (CompletableFuture<Node> f : starting) {
                try {
                    nodes.add(f.join());
                    started.add(nodes.get(nodes.size() - 1));
                } catch (CompletionException e) {
                    failed = e.getCause() instanceof RuntimeException r ? r : e;
                }
            }
            if (failed != null) throw failed;
            // A cold JVM's first admin request can outlast HAProxy's check timeout: answer one before it asks.
            nodes.forEach(n -> n.admin().health());
            Balancer haproxy = new Balancer(System.getProperty("rpcws.cluster.haproxy.image", "haproxy:2.6"), Ports.free(),
                    nodes.stream().map(n -> new HaproxyProcess.Backend(n.id(), n.port(), n.adminPort())).toList());
            started.add(haproxy);
            ContainerCluster cluster = new ContainerCluster(redis, nodes, haproxy);
            cluster.awaitMesh(MESH_WAIT);
            return cluster;
        } catch (RuntimeException | Error e) {
            started.forEach(Part::close);
            throw e;
        }
    }

    /** Local images are never pulled: say how to build one that is missing instead of failing on a pull. */
    private static void requireImage(String image) {
        if (!DockerClientFactory.instance().client().listImagesCmd().withImageNameFilter(image).exec().iterator().hasNext()) {
            throw new IllegalStateException("no image " + image + ": build it with bash scripts/container-mode.sh");
        }
    }

    @Override public List<Node> nodes() {
        return nodes;
    }

    @Override public Redis redis() {
        return redis;
    }

    @Override public Balancer haproxy() {
        return haproxy;
    }

    @Override public void close() {
        haproxy.close();
        nodes.forEach(Part::close);
        redis.close();
    }

    @Override public String toString() {
        return "cluster in containers of " + nodes + " behind HAProxy on port " + haproxy.port() + ", Redis on port " + redis.port();
    }

    /**
     * One container, started by Testcontainers and then signalled, paused and started again through the engine's API;
     * {@code ready} is the line it prints each time it has started.
     */
    private static class Part implements Cluster.Part {
        private static final Duration GONE = Duration.ofSeconds(10);
        final GenericContainer<?> container;
        private final Pattern ready;
        private final Duration startTimeout;

        Part(GenericContainer<?> container, Pattern ready, Duration startTimeout) {
            this.container = container.withNetworkMode("host")
                    .waitingFor(Wait.forLogMessage(".*" + ready.pattern() + ".*\\n", 1).withStartupTimeout(startTimeout));
            this.ready = ready;
            this.startTimeout = startTimeout;
            container.start();
        }

        private DockerClient engine() {
            return container.getDockerClient();
        }

        private InspectContainerResponse.ContainerState state() {
            return engine().inspectContainerCmd(container.getContainerId()).exec().getState();
        }

        @Override public boolean isAlive() {
            return Boolean.TRUE.equals(state().getRunning());
        }

        /** SIGKILL, and waits until the engine sees the container exited. */
        @Override public void kill() {
            signal("SIGKILL");
            Poll.until(this + " exited after SIGKILL", GONE, () -> !isAlive());
        }

        void signal(String signal) {
            engine().killContainerCmd(container.getContainerId()).withSignal(signal).exec();
        }

        /** The same container again (its command names its ports), once it has printed its start-up line once more. */
        @Override public void restart() {
            if (isAlive()) kill();
            long before = startLines();
            engine().startContainerCmd(container.getContainerId()).exec();
            Poll.until(this + " started again", startTimeout, () -> startLines() > before);
        }

        private long startLines() {
            Matcher m = ready.matcher(container.getLogs());
            long n = 0;
            while (m.find()) n++;
            return n;
        }

        /** The engine's pause: every process of the container stopped (the cgroup freezer), its sockets left open. */
        @Override public void freeze() {
            engine().pauseContainerCmd(container.getContainerId()).exec();
        }

        @Override public void thaw() {
            engine().unpauseContainerCmd(container.getContainerId()).exec();
        }

        public Integer waitForExit(Duration timeout) {
            try {
                Poll.until(this + " exited", timeout, () -> !isAlive());
            } catch (AssertionError stillRunning) {
                return null;
            }
            Long code = state().getExitCodeLong();
            return code == null ? null : code.intValue();
        }

        /** Removes the container, thawed first if it is paused (an engine may refuse to kill a paused one). */
        void close() {
            try {
                if (Boolean.TRUE.equals(state().getPaused())) thaw();
            } catch (RuntimeException goneAlready) {
                // removed below in any case
            }
            container.stop();
        }
    }

    /** A node: the runnable jar of this build in the server runtime image, on ports chosen here and kept across restarts. */
    static final class Node extends Part implements Cluster.Node {
        private final String id;
        private final int port;
        private final int adminPort;
        private final String broker;

        private Node(String id, String broker, Path jar, List<String> options) {
            this(id, Ports.free(), Ports.free(), broker, jar, options);
        }

        private Node(String id, int port, int adminPort, String broker, Path jar, List<String> options) {
            super(nodeContainer(port, adminPort, broker, id, jar, options), Pattern.compile("listening ws=\\d+"), NODE_START);
            this.id = id;
            this.port = port;
            this.adminPort = adminPort;
            this.broker = broker;
        }

        private static GenericContainer<?> nodeContainer(int port, int adminPort, String broker, String id, Path jar, List<String> options) {
            List<String> command = new ArrayList<>(List.of("--port", Integer.toString(port), "--admin-port", Integer.toString(adminPort),
                    "--fixture", "compat", "--broker", broker, "--node-id", id));
            command.addAll(options);
            return new GenericContainer<>(DockerImageName.parse(NODE_IMAGE))
                    .withCopyFileToContainer(MountableFile.forHostPath(jar, 0644), JAR_IN_IMAGE)
                    .withCommand(command.toArray(String[]::new));
        }

        @Override public String id() { return id; }
        @Override public int port() { return port; }
        @Override public int adminPort() { return adminPort; }
        @Override public String broker() { return broker; }

        @Override public void drain() {
            signal("SIGTERM");
        }

        @Override public String toString() {
            return id + " (container, ws " + port + ", admin " + adminPort + ")";
        }
    }

    /** redis-server with nothing persisted: empty again after a restart. */
    static final class Redis extends Part implements Cluster.Redis {
        private final int port;

        private Redis(String image, int port) {
            super(new GenericContainer<>(DockerImageName.parse(image))
                    .withCommand("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
                    Pattern.compile("Ready to accept connections"), START);
            this.port = port;
        }

        @Override public int port() {
            return port;
        }

        @Override public String toString() {
            return "Redis (container, port " + port + ")";
        }
    }

    /** HAProxy on the project's template, its configuration copied in; it logs to standard output. */
    static final class Balancer extends Part implements Cluster.Balancer {
        private final int port;

        private Balancer(String image, int port, List<HaproxyProcess.Backend> backends) {
            super(new GenericContainer<>(DockerImageName.parse(image))
                    .withCopyToContainer(Transferable.of(HaproxyProcess.config(port, backends), 0644), HAPROXY_CONFIG)
                    .withCommand("haproxy", "-db", "-V", "-f", HAPROXY_CONFIG),
                    HaproxyProcess.READY, START);
            this.port = port;
        }

        @Override public int port() {
            return port;
        }

        @Override public String log() {
            return container.getLogs();
        }

        @Override public String toString() {
            return "HAProxy (container, port " + port + ")";
        }
    }
}
