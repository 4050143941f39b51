package dev.rpcws.features.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.features.ClusterServer;
import dev.rpcws.features.Interop;
import dev.rpcws.features.drivers.ClientDriver;
import dev.rpcws.features.drivers.ClientSession;
import dev.rpcws.protocol.Json;
import dev.rpcws.testkit.AdminClient;
import dev.rpcws.testkit.Cluster;
import dev.rpcws.testkit.ProcessServer;
import dev.rpcws.testkit.RawClient;
import dev.rpcws.testkit.ServerUnderTest;
import io.cucumber.java.Scenario;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** The state of one scenario, shared by its step classes (one instance per scenario, by PicoContainer). */
public final class ScenarioContext {
    private static final AtomicLong IDS = new AtomicLong();

    /** A connected client as the scenario names it ("the client", "Alice", "the Python client"). */
    static final class Actor {
        final String name;
        final String language;
        final String namespace;
        final String socketId;
        final ClientSession session;
        final Map<String, Integer> seen = new LinkedHashMap<>();

        Actor(String name, String language, String namespace, String socketId, ClientSession session) {
            this.name = name;
            this.language = language;
            this.namespace = namespace;
            this.socketId = socketId;
            this.session = session;
        }
    }

    final Map<String, Actor> actors = new LinkedHashMap<>();
    JsonNode outcome;
    String lastSubscribed;
    ProcessServer freshServer;
    CompletableFuture<JsonNode> pending;
    RawClient raw;
    /** Cucumber's view of the running scenario: what the harness says about it goes to its report. */
    Scenario scenario;
    /** In the cluster row: the node this scenario emits from, chosen at its first emit. */
    Cluster.Node emitter;
    /** In the cluster row: a node this scenario froze, or told to drain; thawed, or awaited, after it. */
    Cluster.Node frozen;
    Cluster.Node draining;

    /** The scenario's own server if it has one, otherwise the run's shared server. */
    ServerUnderTest server() {
        return freshServer != null ? freshServer : Interop.server();
    }

    Actor connect(String name, String language, String namespace, ObjectNode options) {
        return connect(name, language, server(), namespace, options);
    }

    Actor connect(String name, String language, ServerUnderTest server, String namespace, ObjectNode options) {
        ClientDriver driver = Interop.driver(language);
        String socketId = language + "-" + name.replaceAll("\\W+", "") + "-" + IDS.incrementAndGet();
        // A call that never returns must not hang the suite; the reference client has no default timeout.
        if (!options.has("callTimeoutMs")) options.put("callTimeoutMs", 10_000);
        ClientSession session = driver.connect(server.wsUri(namespace + "?socket_id=" + socketId), options);
        Actor actor = new Actor(name, language, namespace, socketId, session);
        actors.put(name, actor);
        if (server instanceof ClusterServer) log(name + " (" + socketId + ") landed on " + nodeOf(actor).id());
        return actor;
    }

    /** In the cluster row: the node holding the actor's connection now (it changes when the client fails over). */
    Cluster.Node nodeOf(Actor actor) {
        return Interop.cluster().nodeOf(actor.socketId, actor.namespace);
    }

    /** The admin API of the server holding the actor's connection: in the cluster row, its node's. */
    AdminClient adminOf(Actor actor) {
        return server() instanceof ClusterServer ? nodeOf(actor).admin() : server().admin();
    }

    /**
     * Where "the server emits": the run's server, or in the cluster row one node, kept for the whole scenario so
     * that its emits keep their order: a node that holds none of the scenario's connections where there is one,
     * so that every event crosses from one node to another through Redis.
     */
    AdminClient emitter() {
        if (!(server() instanceof ClusterServer)) return server().admin();
        if (emitter == null || !emitter.isAlive()) emitFrom(leastUsedNode());
        return emitter.admin();
    }

    void emitFrom(Cluster.Node node) {
        emitter = node;
        log("the server emits from " + node.id() + "; the clients are on " + placement());
    }

    /**
     * The node with the fewest of this scenario's connections among those serving (running, not draining), those
     * connected to Redis first (during an outage, none is).
     */
    Cluster.Node leastUsedNode() {
        Map<String, Long> used = connectedActors().stream().collect(Collectors.groupingBy(a -> nodeOf(a).id(), Collectors.counting()));
        Map<Cluster.Node, Boolean> brokerUp = new LinkedHashMap<>();
        for (Cluster.Node n : Interop.cluster().nodes()) {
            if (!n.isAlive()) continue;
            AdminClient.Health h = n.admin().health();
            if (h.status() == 200) brokerUp.put(n, h.body().path("broker").path("state").asText().equals("up"));
        }
        return brokerUp.keySet().stream()
                .min(Comparator.comparing((Cluster.Node n) -> !brokerUp.get(n))
                        .thenComparingLong(n -> used.getOrDefault(n.id(), 0L)).thenComparing(Cluster.Node::id))
                .orElseThrow(() -> new IllegalStateException("no node of the cluster is serving"));
    }

    /** "Alice on n1, Bob on n2": where this scenario's connected clients are now. */
    String placement() {
        List<String> where = new ArrayList<>();
        for (Actor a : connectedActors()) where.add(a.name + " on " + nodeOf(a).id());
        return where.isEmpty() ? "no node" : String.join(", ", where);
    }

    private List<Actor> connectedActors() {
        return actors.values().stream().filter(a -> a.session.state().equals("connected")).toList();
    }

    /** A line in the scenario's report (the Cucumber report the matrix links each cell to). */
    void log(String line) {
        if (scenario != null) scenario.log(line);
    }

    Actor actor(String name) {
        Actor a = actors.get(name);
        if (a == null) throw new IllegalStateException("no client called '" + name + "' in this scenario");
        return a;
    }

    static ObjectNode options() {
        return Json.object();
    }

    void cleanUp() {
        for (Actor a : actors.values()) {
            try {
                a.session.close();
            } catch (RuntimeException e) {
                // the scenario's verdict is already in; a client that cannot close does not change it
            }
        }
        actors.clear();
        if (raw != null) raw.close();
        if (freshServer != null) freshServer.close();
        if (frozen != null) frozen.thaw();
        if (draining != null && draining.waitForExit(ClusterServer.WAIT) == null) draining.kill();
    }
}
