package dev.rpcws.testkit;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A cluster on this machine, all on 127.0.0.1: a {@code redis-server}, nodes of the Jetty server's runnable jar
 * (compat fixture, {@code --broker} that Redis, {@code --node-id n1..nN}) and HAProxy in front, configured from
 * the same template as {@code scripts/cluster.sh up}. Nodes can be killed, restarted on their ports, drained;
 * Redis can be restarted or frozen; {@link #nodeOf} tells which node a connection landed on.
 */
public final class LocalCluster implements AutoCloseable {
    private final RedisProcess redis;
    private final List<Node> nodes;
    private final HaproxyProcess haproxy;

    private LocalCluster(RedisProcess redis, List<Node> nodes, HaproxyProcess haproxy) {
        this.redis = redis;
        this.nodes = List.copyOf(nodes);
        this.haproxy = haproxy;
    }

    /**
     * Starts Redis, {@code count} nodes (in parallel) with the CLI options {@code nodeOptions} beyond the broker
     * and node id (e.g. {@code --drain-window 2000}), then HAProxy; everything started is stopped if a part fails.
     */
    public static LocalCluster start(int count, String... nodeOptions) {
        if (count < 1) throw new IllegalArgumentException("a cluster needs a node");
        List<AutoCloseable> started = new ArrayList<>();
        try {
            RedisProcess redis = RedisProcess.start();
            started.add(redis);
            List<CompletableFuture<Node>> starting = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                String id = "n" + i;
                starting.add(CompletableFuture.supplyAsync(() -> new Node(id, redis.uri(), List.of(nodeOptions))));
            }
            List<Node> nodes = new ArrayList<>();
            RuntimeException failed = null;
            for (CompletableFuture<Node> f : starting) {
                try {
                    Node n = f.join();
                    nodes.add(n);
                    started.add(n);
                } catch (CompletionException e) {
                    failed = e.getCause() instanceof RuntimeException r ? r : e;
                }
            }
            if (failed != null) throw failed;
            // A cold JVM's first admin request can outlast HAProxy's check timeout: answer one before it asks.
            nodes.forEach(n -> n.admin().health());
            HaproxyProcess haproxy = HaproxyProcess.start(nodes.stream().map(Node::backend).toList());
            return new LocalCluster(redis, nodes, haproxy);
        } catch (RuntimeException e) {
            for (AutoCloseable c : started) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** {@code ws://127.0.0.1:<load balancer>/<pathAndQuery>}: where the cluster's clients connect. */
    public URI wsUri(String pathAndQuery) {
        return haproxy.wsUri(pathAndQuery);
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Node node(String id) {
        return nodes.stream().filter(n -> n.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + id + " in " + nodes));
    }

    public RedisProcess redis() {
        return redis;
    }

    public HaproxyProcess haproxy() {
        return haproxy;
    }

    /**
     * The node holding the connection with this socket id in {@code namespace} (clients choose it with
     * {@code ?socket_id=}), asked of each running node's admin API.
     */
    public Optional<Node> nodeOf(String socketId, String namespace) {
        return nodes.stream().filter(n -> n.holds(socketId, namespace)).findFirst();
    }

    /** Stops HAProxy, the nodes and Redis. */
    @Override public void close() {
        haproxy.close();
        nodes.forEach(Node::close);
        redis.close();
    }

    @Override public String toString() {
        return "cluster of " + nodes + " behind " + haproxy + ", " + redis;
    }

    /** One node: a process of the runnable jar that keeps its WebSocket and admin ports across restarts. */
    public static final class Node implements AutoCloseable {
        private final String id;
        private final List<String> options;
        private ProcessServer server;
        private final int port;
        private final int adminPort;

        private Node(String id, String broker, List<String> extra) {
            this.id = id;
            List<String> o = new ArrayList<>(List.of("--broker", broker, "--node-id", id));
            o.addAll(extra);
            this.options = List.copyOf(o);
            this.server = ProcessServer.jetty("cluster-" + id, 0, 0, options);
            this.port = server.port();
            this.adminPort = server.adminPort();
        }

        public String id() { return id; }
        public int port() { return port; }
        public int adminPort() { return adminPort; }

        /** Straight to this node, past the load balancer. */
        public URI wsUri(String pathAndQuery) {
            return server.wsUri(pathAndQuery);
        }

        public AdminClient admin() {
            return server.admin();
        }

        public boolean isAlive() {
            return server.process().isAlive();
        }

        /** SIGKILL, as a crash: its clients see the connection drop (1006). */
        public void kill() {
            server.process().kill();
        }

        /** SIGTERM: the node drains (health 503, 1001 to its clients over the drain window) and exits. */
        public void drain() {
            server.process().terminate();
        }

        /** Waits for the process to end after {@link #drain()}; its exit status, or null if it still runs. */
        public Integer waitForExit(Duration timeout) {
            return server.process().waitForExit(timeout);
        }

        /** Starts it again on the same ports (killing it first if it still runs). */
        public void restart() {
            if (isAlive()) kill();
            server = ProcessServer.jetty("cluster-" + id, port, adminPort, options);
        }

        public LaunchedProcess process() {
            return server.process();
        }

        /** Whether this node is up and has a connection with this socket id in {@code namespace}. */
        boolean holds(String socketId, String namespace) {
            if (!isAlive()) return false;
            try {
                return admin().connections(namespace).contains(socketId);
            } catch (IllegalStateException exitedMeanwhile) {
                return false;
            }
        }

        HaproxyProcess.Backend backend() {
            return new HaproxyProcess.Backend(id, port, adminPort);
        }

        @Override public void close() {
            server.close();
        }

        @Override public String toString() {
            return id + " (ws " + port + ", admin " + adminPort + ")";
        }
    }
}
