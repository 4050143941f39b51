package dev.rpcws.features.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.features.Interop;
import dev.rpcws.features.drivers.ClientDriver;
import dev.rpcws.features.drivers.ClientSession;
import dev.rpcws.protocol.Json;
import dev.rpcws.testkit.ProcessServer;
import dev.rpcws.testkit.RawClient;
import dev.rpcws.testkit.ServerUnderTest;

import java.util.LinkedHashMap;
import java.util.Map;
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
        return actor;
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
    }
}
