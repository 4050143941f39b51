package dev.rpcws.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.server.InProcessJetty;
import dev.rpcws.server.RpcServer;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.RawClient;
import dev.rpcws.testkit.RedisProcess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nodes of a cluster in this JVM (the compat fixture, ids n1, n2, ...) on one real redis-server: each node is a
 * whole server with its own broker connections, so everything between nodes goes through Redis.
 */
final class Nodes implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(15);

    final RedisProcess redis;
    private final List<InProcessJetty> nodes = new ArrayList<>();

    private Nodes(RedisProcess redis) {
        this.redis = redis;
    }

    /** Redis and {@code count} nodes, once every node is subscribed and has heard from every other. */
    static Nodes start(int count) {
        Nodes n = new Nodes(RedisProcess.start());
        try {
            for (int i = 0; i < count; i++) n.add(server -> { });
            n.awaitMesh();
            return n;
        } catch (RuntimeException | Error e) {
            n.close();
            throw e;
        }
    }

    /** Starts one more node ({@code configure} runs on it after the fixture, before start). */
    InProcessJetty add(Consumer<RpcServer> configure) {
        String id = "n" + (nodes.size() + 1);
        InProcessJetty node = InProcessJetty.start(o -> o.broker(BrokerAddress.parse(redis.uri())).nodeId(id), configure);
        nodes.add(node);
        return node;
    }

    InProcessJetty node(int i) {
        return nodes.get(i - 1);
    }

    List<InProcessJetty> all() {
        return nodes;
    }

    /** Waits until every node's broker is up and knows every other node. */
    void awaitMesh() {
        for (InProcessJetty node : nodes) {
            Poll.until(id(node) + " connected and hearing " + (nodes.size() - 1) + " peers", WAIT, () -> {
                JsonNode broker = health(node).path("broker");
                return broker.path("state").asText().equals("up") && broker.path("peers").size() == nodes.size() - 1;
            });
        }
    }

    /** Waits until every node's broker is {@code up} or {@code down}. */
    void awaitState(String state) {
        for (InProcessJetty node : nodes) {
            Poll.until(id(node) + " broker " + state, WAIT, () -> health(node).path("broker").path("state").asText().equals(state));
        }
    }

    static String id(InProcessJetty node) {
        return node.server().options().nodeId();
    }

    static JsonNode health(InProcessJetty node) {
        return node.admin().health().body();
    }

    /** An unlabelled metric's value (0 if the node does not report it). */
    static double metric(InProcessJetty node, String name) {
        return node.admin().metric(name);
    }

    /** A connection to {@code node} at {@code path}, subscribed to {@code events}. */
    static RawClient subscriber(InProcessJetty node, String path, String... events) {
        RawClient c = RawClient.connect(node.wsUri(path));
        int id = 0;
        for (String event : events) {
            c.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"" + event + "\"],\"id\":" + (++id) + "}");
            assertThat(c.nextText()).as("subscribing to " + event).contains("\"" + event + "\":\"ok\"");
        }
        return c;
    }

    /** The next {@code count} frames; fails if they do not come within {@link #WAIT}. */
    static List<String> frames(RawClient c, int count) {
        List<String> out = new ArrayList<>(count);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (out.size() < count) {
            RawClient.Frame f = c.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (f == null) throw new AssertionError("got " + out.size() + " of " + count + " frames: " + out.subList(0, Math.min(3, out.size())) + (out.size() > 3 ? "..." : ""));
            out.add(f.text());
        }
        return out;
    }

    /** Frames arriving within {@code quiet} of each other, 100 at most (none expected: a duplicate or a leak shows here). */
    static List<String> more(RawClient c, Duration quiet) {
        List<String> out = new ArrayList<>();
        RawClient.Frame f;
        while (out.size() < 100 && (f = c.next(quiet)) != null) out.add(f.text());
        return out;
    }

    @Override public void close() {
        for (InProcessJetty node : nodes) node.close();
        redis.close();
    }
}
