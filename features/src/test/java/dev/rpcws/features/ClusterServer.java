package dev.rpcws.features;

import dev.rpcws.testkit.Cluster;
import dev.rpcws.testkit.LocalCluster;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.RawClient;
import dev.rpcws.testkit.ServerUnderTest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The matrix's cluster row as a server under test: three nodes of the rpcws server with the compat fixture on one
 * redis-server, HAProxy in front, all on 127.0.0.1. Either a {@link Cluster} started here, whose nodes can be killed,
 * drained, frozen and restarted and whose Redis stopped: testkit's {@link LocalCluster} of processes, or with
 * {@code -Drpcws.cluster=container} a {@link ContainerCluster} (the container mode); or a cluster someone else
 * started (docker/cluster.compose.yaml), known by its ports. Clients connect to HAProxy; there is no one admin API, so
 * everything that asks a server asks a node: the node a connection landed on ({@link #nodeOf}) or the node the
 * scenario emits from.
 */
public final class ClusterServer implements ServerUnderTest {
    /**
     * What the matrix's nodes run with: the shared Jetty server's ping interval, a short drain, and 750 ms for a pong
     * (not the shared server's 500 ms: each node is a JVM of its own, behind one more hop, sharing two cores with the
     * others; a client that stops reading is still dropped within the heartbeat scenario's 1500 ms).
     */
    static final List<String> NODE_OPTIONS = List.of("--ping-interval", Long.toString(Interop.PING_INTERVAL.toMillis()),
            "--pong-timeout", "750", "--drain-window", "3000");
    /** A node restarting on a loaded 2-core machine, plus HAProxy's two checks a second apart. */
    public static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * A node of a cluster someone else started, known by its ports: the suite asks it (its admin API, its sockets) but
     * cannot signal it.
     */
    private record ExternalNode(String id, int port, int adminPort, String broker) implements Cluster.Node {
        @Override public boolean isAlive() {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        private IllegalStateException elsewhere() {
            return new IllegalStateException("node " + id + " runs elsewhere (" + EXTERNAL + "): the suite cannot signal it");
        }

        @Override public void kill() { throw elsewhere(); }
        @Override public void restart() { throw elsewhere(); }
        @Override public void freeze() { throw elsewhere(); }
        @Override public void thaw() { throw elsewhere(); }
        @Override public void drain() { throw elsewhere(); }
        @Override public Integer waitForExit(Duration timeout) { throw elsewhere(); }

        @Override public String toString() {
            return id + " (ws " + port + ")";
        }
    }

    /** {@code -Drpcws.cluster.ports=LB,REDIS,n1:WS:ADMIN,n2:WS:ADMIN,...}: a cluster someone else started, on 127.0.0.1. */
    static final String EXTERNAL = "rpcws.cluster.ports";
    /** How long a cluster someone else started may take to answer: cold nodes on a loaded machine (as ProcessServer's wait). */
    private static final Duration EXTERNAL_START = Duration.ofSeconds(150);

    private final Cluster<?> cluster;
    private final int port;
    private final String redisUri;
    private final List<Cluster.Node> nodes;

    private ClusterServer(Cluster<?> cluster, int port, String redisUri, List<? extends Cluster.Node> nodes) {
        this.cluster = cluster;
        this.port = port;
        this.redisUri = redisUri;
        this.nodes = List.copyOf(nodes);
    }

    /**
     * The matrix's cluster of three nodes: the one {@code -Drpcws.cluster.ports} names, or with
     * {@code -Drpcws.cluster=container} a {@link ContainerCluster}, or else a {@link LocalCluster}.
     */
    static ClusterServer start() {
        String external = System.getProperty(EXTERNAL);
        return external != null ? external(external) : start(newCluster(id -> 0));
    }

    /**
     * Three nodes with the matrix's options, each node id's broker on the Redis database {@code database} gives: in
     * containers with {@code -Drpcws.cluster=container}, else processes.
     */
    static Cluster<?> newCluster(ToIntFunction<String> database) {
        return inContainers() ? ContainerCluster.start(3, database, NODE_OPTIONS)
                : LocalCluster.start(3, database, NODE_OPTIONS.toArray(String[]::new));
    }

    /** {@code -Drpcws.cluster=container}: the cluster this suite starts runs in containers (Testcontainers). */
    public static boolean inContainers() {
        return "container".equals(System.getProperty("rpcws.cluster", "local"));
    }

    /** Once every node is connected to Redis and has answered calls. */
    static ClusterServer start(Cluster<?> cluster) {
        return ready(new ClusterServer(cluster, cluster.haproxy().port(), cluster.redis().uri(), cluster.nodes()), WAIT);
    }

    private static ClusterServer external(String ports) {
        String[] p = ports.split(",");
        String redis = "redis://127.0.0.1:" + p[1].trim();
        List<Cluster.Node> nodes = new ArrayList<>();
        for (int i = 2; i < p.length; i++) {
            String[] node = p[i].trim().split(":");
            nodes.add(new ExternalNode(node[0], Integer.parseInt(node[1]), Integer.parseInt(node[2]), redis));
        }
        // Compose starts the suite beside the nodes: they may still be starting.
        return ready(new ClusterServer(null, Integer.parseInt(p[0].trim()), redis, nodes), EXTERNAL_START);
    }

    private static ClusterServer ready(ClusterServer server, Duration timeout) {
        try {
            server.awaitBrokers(timeout);
            server.nodes.forEach(ClusterServer::warm);
            return server;
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    /** A cold node's first connection and calls go slowly: make them before the first scenario's. */
    private static void warm(Cluster.Node node) {
        try (RawClient c = RawClient.connect(node.wsUri("/?socket_id=warm-up"))) {
            for (int i = 1; i <= 50; i++) { // not id 0: the protocol takes it for a notification
                c.send("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[" + i + ",1],\"id\":" + i + "}");
                assertThat(c.next(WAIT)).as(node.id() + " answering its warm-up call " + i).isNotNull();
            }
        }
    }

    /** Whether this suite started the cluster, so its nodes and Redis can be stopped, frozen and restarted. */
    public boolean local() {
        return cluster != null;
    }

    /** The cluster this suite started. */
    public Cluster<?> cluster() {
        if (cluster == null) throw new IllegalStateException("the cluster runs elsewhere (" + EXTERNAL + "): the suite cannot signal its processes");
        return cluster;
    }

    public List<Cluster.Node> nodes() {
        return nodes;
    }

    /** Where the nodes' broker is: {@code redis://127.0.0.1:PORT}. */
    public String redisUri() {
        return redisUri;
    }

    /** The node holding this connection, waiting for it to appear (a connection is listed once its upgrade is done). */
    public Cluster.Node nodeOf(String socketId, String namespace) {
        return Poll.value("the node holding " + socketId + " in " + namespace, WAIT, () -> find(socketId, namespace).orElse(null));
    }

    /** The node holding this connection now, if any. */
    public Optional<Cluster.Node> find(String socketId, String namespace) {
        return nodes.stream().filter(n -> n.holds(socketId, namespace)).findFirst();
    }

    /**
     * Makes the cluster whole again after a scenario killed, froze or drained a node or stopped Redis: Redis and every
     * node running, every node marked up by HAProxy and connected to Redis.
     */
    public void restore() {
        if (cluster == null) {
            awaitBrokers(WAIT);
            return;
        }
        if (!cluster.redis().isAlive()) cluster.redis().restart();
        for (Cluster.Node node : cluster.nodes()) {
            if (!node.isAlive()) {
                cluster.awaitBalanced(node, false, WAIT); // HAProxy took it out, so that it logs its return
                node.restart();
            }
            cluster.awaitBalanced(node, true, WAIT);
        }
        cluster.awaitMesh(WAIT);
    }

    /**
     * Every node's broker connected, subscribed and answered by Redis: its emits reach the others, theirs reach it. A
     * node whose admin API does not answer yet is still starting.
     */
    private void awaitBrokers(Duration timeout) {
        for (Cluster.Node node : nodes) {
            Poll.until(node.id() + " connected to Redis", timeout, () -> {
                try {
                    return node.admin().health().body().path("broker").path("state").asText().equals("up");
                } catch (IllegalStateException notAnswering) {
                    return false;
                }
            });
        }
    }

    @Override public String name() {
        return Interop.CLUSTER;
    }

    /** The load balancer's port: where the clients connect. */
    @Override public int port() {
        return port;
    }

    @Override public int adminPort() {
        throw new UnsupportedOperationException("a cluster has an admin API per node: ask the node (ClusterServer.nodeOf)");
    }

    @Override public void close() {
        if (cluster != null) cluster.close();
    }

    @Override public String toString() {
        return cluster != null ? cluster.toString() : "cluster of " + nodes + " behind the load balancer on port " + port + ", " + redisUri;
    }
}
