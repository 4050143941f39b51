package dev.rpcws.server.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.Json;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a node serves: for each namespace the application declared, its methods and events, each with its
 * protection, in registration order (the order {@code __listMethods} answers in). Nodes behind one load balancer
 * must serve the same; a broker publishes the {@link #digest()} so that a node that differs is reported.
 *
 * @param namespaces by name, sorted
 */
public record Registrations(SortedMap<String, Served> namespaces) {
    /**
     * One namespace's registrations.
     *
     * @param methods name -> protected, in registration order
     * @param events  name -> protected, in declaration order
     */
    public record Served(Map<String, Boolean> methods, Map<String, Boolean> events) {
        /**
         * Copies both maps, keeping their order.
         *
         * @param methods name -> protected, in registration order
         * @param events name -> protected, in declaration order
         */
        public Served {
            methods = Collections.unmodifiableMap(new LinkedHashMap<>(methods));
            events = Collections.unmodifiableMap(new LinkedHashMap<>(events));
        }
    }

    /**
     * Copies the map, sorted.
     *
     * @param namespaces by name
     */
    public Registrations {
        namespaces = Collections.unmodifiableSortedMap(new TreeMap<>(namespaces));
    }

    /** {@return {@code {"/":{"methods":{"sum":false,...},"events":{"secretNews":true,...}},...}}} */
    public JsonNode toJson() {
        ObjectNode json = Json.object();
        namespaces.forEach((name, served) -> {
            ObjectNode ns = json.putObject(name);
            ObjectNode methods = ns.putObject("methods");
            served.methods().forEach(methods::put);
            ObjectNode events = ns.putObject("events");
            served.events().forEach(events::put);
        });
        return json;
    }

    /** {@return SHA-256 of {@link #toJson()} as UTF-8, in hex: equal on nodes that serve the same} */
    public String digest() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Json.writeBytes(toJson())));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
