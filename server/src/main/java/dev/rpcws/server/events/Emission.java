package dev.rpcws.server.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.Json;

import java.util.Objects;

/**
 * One emitted event, independent of the node it was emitted on: where it goes (a namespace, or every namespace
 * that declares the event), its name, and its {@code params}, already flattened by the emit's rule. Nodes resolve
 * the namespace and the subscribers themselves, so an emission can travel to other nodes as it is
 * ({@link #toJson()}, {@link #fromJson(JsonNode)}).
 *
 * @param namespace the namespace (a URL path), or null for every namespace that declares the event
 * @param params    an array or an object, as the notification frame carries it
 */
public record Emission(String namespace, String event, JsonNode params) {
    /**
     * Checks that there is an event name and that {@code params} is an array or an object.
     *
     * @param namespace the namespace (a URL path), or null for every namespace that declares the event
     * @param event the event's name
     * @param params an array or an object, as the notification frame carries it
     */
    public Emission {
        Objects.requireNonNull(event, "event");
        if (params == null || !(params.isArray() || params.isObject())) {
            throw new IllegalArgumentException("event params must be an array or an object, got " + params);
        }
    }

    /**
     * {@code server.emit(event, ...args)}: every namespace that declares the event.
     *
     * @param event the event's name
     * @param params its params, flattened by the emit's rule
     * @return the emission
     */
    public static Emission toEveryNamespace(String event, JsonNode params) {
        return new Emission(null, event, params);
    }

    /**
     * {@code server.of(namespace).emit(event, ...args)}.
     *
     * @param namespace the namespace (a URL path)
     * @param event the event's name
     * @param params the array of arguments
     * @return the emission
     */
    public static Emission toNamespace(String namespace, String event, JsonNode params) {
        return new Emission(Objects.requireNonNull(namespace, "namespace"), event, params);
    }

    /** {@return whether it goes to every namespace that declares the event} */
    public boolean everyNamespace() {
        return namespace == null;
    }

    /** {@return {@code {"namespace":"/chat","event":"...","params":...}}; no {@code namespace} member for every namespace} */
    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        if (namespace != null) json.put("namespace", namespace);
        json.put("event", event);
        json.set("params", params);
        return json;
    }

    /**
     * Reads what {@link #toJson()} wrote.
     *
     * @param json the JSON
     * @return the emission
     * @throws IllegalArgumentException for anything else
     */
    public static Emission fromJson(JsonNode json) {
        JsonNode namespace = json == null ? null : json.get("namespace");
        JsonNode event = json == null ? null : json.get("event");
        if (event == null || !event.isTextual() || (namespace != null && !namespace.isTextual())) {
            throw new IllegalArgumentException("not an emission: " + json);
        }
        return new Emission(namespace == null ? null : namespace.textValue(), event.textValue(), json.get("params"));
    }
}
