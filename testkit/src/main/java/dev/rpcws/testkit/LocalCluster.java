package dev.rpcws.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.ToIntFunction;

/**
 * A {@link Cluster} of processes on this machine, all on 127.0.0.1: a {@code redis-server}, nodes of the Jetty server's runnable jar
 * (compat fixture, {@code --broker} that Redis, {@code --node-id n1..nN}) and HAProxy in front, configured from
 * the same template ({@code deploy/haproxy.cfg}) as {@code scripts/cluster.sh up}. Every port is a free one.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.start(3, "--drain-window", "2000")) {  // ready: every node hears the others
 *     URI lb = cluster.wsUri("/?socket_id=alice");          // clients connect here (HAProxy, balance leastconn)
 *     ...
 *     LocalCluster.Node home = cluster.nodeOf("alice", "/").orElseThrow();  // where that connection landed
 *     home.admin().emit("newsUpdate", ...);                 // a node's admin API; home.adminUri() for other clients
 *     home.kill();                                          // SIGKILL: its clients see 1006
 *     cluster.awaitBalanced(home, false, timeout);          // HAProxy's checks took it out
 *     home.restart();                                       // same ports
 *     cluster.awaitBalanced(home, true, timeout);           // and back in
 *     cluster.redis().restart();                            // same port; or freeze() / thaw() (SIGSTOP / SIGCONT)
 *     cluster.awaitMesh(timeout);                           // every running node subscribed and hearing the others
 *     cluster.node("n2").drain();                           // SIGTERM: health 503, 1001 over the drain window, exit
 * }
 * }</pre>
 *
 * <p>Connections land where HAProxy sends them; {@link #nodeOf} finds a connection by the {@code socket_id} query
 * parameter its client chose (the admin API lists connections by socket id), so no fixture method is needed. The
 * nodes' logs are in {@code target/test-logs/cluster-<id>.log}, HAProxy's and Redis's beside them.
 */
public final class LocalCluster implements Cluster<LocalCluster.Node> {
    private final RedisProcess redis;
    private final List<Node> nodes;
    private final HaproxyProcess haproxy;

    private LocalCluster(RedisProcess redis, List<Node> nodes, HaproxyProcess haproxy) {
        this.redis = redis;
        this.nodes = List.copyOf(nodes);
        this.haproxy = haproxy;
    }

    /** How long {@link #start} waits for the nodes to find each other through Redis. */
    private static final Duration MESH_WAIT = Duration.ofSeconds(30);

    /**
     * Starts Redis, {@code count} nodes (in parallel) with the CLI options {@code nodeOptions} beyond the broker
     * and node id (e.g. {@code --drain-window 2000}), then HAProxy, and returns once every node hears all the
     * others through Redis; everything started is stopped if a part fails.
     *
     * @param count       the number of nodes, named {@code n1} to {@code n<count>}
     * @param nodeOptions further options of every node's command line
     * @return the running cluster
     */
    public static LocalCluster start(int count, String... nodeOptions) {
        return start(count, id -> 0, nodeOptions);
    }

    /**
     * The same with each node's broker on the Redis database {@code database} gives its id: nodes on different
     * databases of one Redis are separate clusters behind one load balancer, between which no event passes (a
     * broken cluster, for a suite that must notice).
     *
     * @param count       the number of nodes, named {@code n1} to {@code n<count>}
     * @param database    the database number of each node id's broker
     * @param nodeOptions further options of every node's command line
     * @return the running cluster, once every node hears the others on its database
     */
    public static LocalCluster start(int count, ToIntFunction<String> database, String... nodeOptions) {
        if (count < 1) throw new IllegalArgumentException("a cluster needs a node");
        List<AutoCloseable> started = new ArrayList<>();
        try {
            RedisProcess redis = RedisProcess.start();
            started.add(redis);
            List<CompletableFuture<Node>> starting = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                String id = "n" + i;
                String broker = redis.uri() + "/" + database.applyAsInt(id);
                starting.add(CompletableFuture.supplyAsync(() -> new Node(id, broker, List.of(nodeOptions))));
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
            started.add(haproxy);
            LocalCluster cluster = new LocalCluster(redis, nodes, haproxy);
            cluster.awaitMesh(MESH_WAIT);
            return cluster;
        } catch (RuntimeException | Error e) {
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

    /** {@return the nodes, {@code n1} first, running or not} */
    @Override public List<Node> nodes() {
        return nodes;
    }

    /** {@return the cluster's Redis: {@link RedisProcess#restart}, {@link RedisProcess#freeze}, {@link RedisProcess#kill}} */
    @Override public RedisProcess redis() {
        return redis;
    }

    /** {@return the load balancer: its port and what its health checks reported} */
    @Override public HaproxyProcess haproxy() {
        return haproxy;
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
    public static final class Node implements Cluster.Node, AutoCloseable {
        private final String id;
        private final String broker;
        private final List<String> options;
        private ProcessServer server;
        private final int port;
        private final int adminPort;

        private Node(String id, String broker, List<String> extra) {
            this.broker = broker;
            this.id = id;
            List<String> o = new ArrayList<>(List.of("--broker", broker, "--node-id", id));
            o.addAll(extra);
            this.options = List.copyOf(o);
            this.server = ProcessServer.jetty("cluster-" + id, 0, 0, options);
            this.port = server.port();
            this.adminPort = server.adminPort();
        }

        @Override public String id() { return id; }
        @Override public int port() { return port; }
        @Override public int adminPort() { return adminPort; }
        @Override public String broker() { return broker; }

        @Override public boolean isAlive() {
            return server.process().isAlive();
        }

        @Override public void kill() {
            server.process().kill();
        }

        @Override public void drain() {
            server.process().terminate();
        }

        @Override public Integer waitForExit(Duration timeout) {
            return server.process().waitForExit(timeout);
        }

        @Override public void restart() {
            if (isAlive()) kill();
            server = ProcessServer.jetty("cluster-" + id, port, adminPort, options);
        }

        /** SIGSTOP. */
        @Override public void freeze() {
            server.process().pause();
        }

        /** SIGCONT. */
        @Override public void thaw() {
            server.process().resume();
        }

        /** {@return its process (pid, log)} */
        public LaunchedProcess process() {
            return server.process();
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
