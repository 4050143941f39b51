package dev.rpcws.testkit;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A cluster that tests can stop, signal and restart part by part: Redis, nodes of the Jetty server with the Redis
 * broker, and HAProxy in front from {@code deploy/haproxy.cfg}, all on 127.0.0.1. Its parts run as processes on this
 * machine ({@link LocalCluster}) or in containers (the interop suite's container mode); what waits on them
 * ({@link #awaitMesh}, {@link #awaitBalanced}, {@link #nodeOf}) is written once, here.
 *
 * @param <N> its kind of node
 */
public interface Cluster<N extends Cluster.Node> extends AutoCloseable {
    /** {@return the nodes, {@code n1} first, running or not} */
    List<N> nodes();

    /** {@return the cluster's Redis} */
    Redis redis();

    /** {@return the load balancer} */
    Balancer haproxy();

    /** Stops HAProxy, the nodes and Redis. */
    @Override void close();

    /**
     * {@return {@code ws://127.0.0.1:<load balancer>/<pathAndQuery>}: where the cluster's clients connect}
     *
     * @param pathAndQuery the namespace and query, e.g. {@code /chat?socket_id=a1}
     */
    default URI wsUri(String pathAndQuery) {
        return haproxy().wsUri(pathAndQuery);
    }

    /**
     * {@return the node with this id}
     *
     * @param id {@code n1} to {@code n<count>}
     * @throws IllegalArgumentException if there is none
     */
    default N node(String id) {
        return nodes().stream().filter(n -> n.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + id + " in " + nodes()));
    }

    /**
     * Waits until every running node's /health says its broker is {@code up} and names every other running node on
     * its database among its peers: after a start, a node's restart or Redis's, emits reach every node from then on.
     *
     * @param timeout how long to wait
     * @throws AssertionError naming the node that is not there yet
     */
    default void awaitMesh(Duration timeout) {
        for (Node node : nodes()) {
            if (!node.isAlive()) continue;
            Set<String> others = new HashSet<>();
            for (Node n : nodes()) if (n != node && n.isAlive() && n.broker().equals(node.broker())) others.add(n.id());
            Poll.until(node.id() + " subscribed and hearing " + others, timeout, () -> {
                JsonNode broker = node.admin().health().body().path("broker");
                Set<String> peers = new HashSet<>();
                broker.path("peers").fieldNames().forEachRemaining(peers::add);
                return broker.path("state").asText().equals("up") && peers.containsAll(others);
            });
        }
    }

    /**
     * Waits until HAProxy's health checks have put {@code node} in service ({@code in}) or taken it out (a killed
     * node, or a draining one whose /health answers 503), as HAProxy logged it. A node starts in service.
     *
     * @param node    the node
     * @param in      true to wait until it is in service, false until it is out
     * @param timeout how long to wait
     */
    default void awaitBalanced(Node node, boolean in, Duration timeout) {
        Poll.until("HAProxy marks " + node.id() + (in ? " up" : " down"), timeout, () -> {
            int down = haproxy().reported(node.id(), "DOWN");
            int up = haproxy().reported(node.id(), "UP");
            return in ? up == down : down > up;
        });
    }

    /**
     * {@return the node holding the connection with this socket id in {@code namespace}, asked of each running
     * node's admin API; empty if none holds it (yet)}
     *
     * @param socketId  what the client chose with {@code ?socket_id=}
     * @param namespace its namespace, e.g. {@code /}
     */
    default Optional<N> nodeOf(String socketId, String namespace) {
        return nodes().stream().filter(n -> n.holds(socketId, namespace)).findFirst();
    }

    /** What a test does to a part of the cluster, as to a crashed, restarted or hung machine. */
    interface Part {
        /** {@return whether it runs (a frozen part runs)} */
        boolean isAlive();

        /** SIGKILL, as a crash; it stays down until {@link #restart()}. */
        void kill();

        /** Starts it again on the same ports (killing it first if it still runs). */
        void restart();

        /** Stops it from running without closing anything (SIGSTOP, or the engine's pause): a hung peer. */
        void freeze();

        /** Lets it run again after {@link #freeze()}. */
        void thaw();
    }

    /** One node: the Jetty server with the broker, keeping its WebSocket and admin ports across restarts. */
    interface Node extends Part {
        /** {@return its id: {@code n1}, {@code n2}, ...} */
        String id();

        /** {@return its WebSocket port (the same after a restart)} */
        int port();

        /** {@return its admin API's port (the same after a restart)} */
        int adminPort();

        /** {@return its {@code --broker}: {@code redis://127.0.0.1:<port>/<database>}} */
        String broker();

        /** SIGTERM: the node drains (health 503, 1001 to its clients over the drain window) and exits. */
        void drain();

        /**
         * {@return the exit status once it ended (after {@link #drain()}), or null if it still runs}
         *
         * @param timeout how long to wait
         */
        Integer waitForExit(Duration timeout);

        /**
         * {@return {@code ws://127.0.0.1:<its port>/<pathAndQuery>}: straight to this node, past the load balancer}
         *
         * @param pathAndQuery the namespace and query
         */
        default URI wsUri(String pathAndQuery) {
            return URI.create("ws://127.0.0.1:" + port() + (pathAndQuery.startsWith("/") ? "" : "/") + pathAndQuery);
        }

        /** {@return {@code http://127.0.0.1:<admin port>/}: its admin API (/health, /metrics, /emit, /connections)} */
        default URI adminUri() {
            return URI.create("http://127.0.0.1:" + adminPort() + "/");
        }

        /** {@return a client of its admin API} */
        default AdminClient admin() {
            return new AdminClient(adminUri());
        }

        /**
         * {@return whether this node runs and has a connection with this socket id in {@code namespace}}
         *
         * @param socketId  what the client chose with {@code ?socket_id=}
         * @param namespace its namespace
         */
        default boolean holds(String socketId, String namespace) {
            if (!isAlive()) return false;
            try {
                return admin().connections(namespace).contains(socketId);
            } catch (IllegalStateException exitedMeanwhile) {
                return false;
            }
        }
    }

    /** The broker: a Redis with nothing persisted, empty after a restart on its port. */
    interface Redis extends Part {
        /** {@return its port on 127.0.0.1 (the same after a restart)} */
        int port();

        /** {@return the broker URI nodes take: {@code redis://127.0.0.1:<port>}} */
        default String uri() {
            return "redis://127.0.0.1:" + port();
        }
    }

    /**
     * HAProxy from the project's template, logging to its standard output ({@code log stdout} in
     * {@code deploy/haproxy.cfg}): a process's log file or a container's log hold the same lines.
     */
    interface Balancer {
        /** {@return where clients connect, on 127.0.0.1} */
        int port();

        /** {@return what HAProxy has written since it started, standard output and error} */
        String log();

        /**
         * {@return {@code ws://127.0.0.1:<port><pathAndQuery>}: where clients of the cluster connect}
         *
         * @param pathAndQuery the namespace and query
         */
        default URI wsUri(String pathAndQuery) {
            return URI.create("ws://127.0.0.1:" + port() + (pathAndQuery.startsWith("/") ? "" : "/") + pathAndQuery);
        }

        /**
         * {@return how often HAProxy has logged the backend {@code id} as {@code DOWN} (its health check failed) or
         * {@code UP} since it started}
         *
         * @param id    the node's id
         * @param state {@code UP} or {@code DOWN}, possibly with the reason, e.g.
         *              {@code "DOWN, reason: Layer7 wrong status, code: 503"}
         */
        default int reported(String id, String state) {
            String event = "Server nodes/" + id + " is " + state;
            // Each event is in the log twice: as a log line on stdout (counted) and as a "[WARNING]" on stderr.
            return (int) log().lines().filter(line -> line.startsWith(event)).count();
        }
    }
}
