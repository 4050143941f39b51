package dev.rpcws.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.ArrayList;
import java.util.List;

/** How emit arguments become a notification's {@code params}, and back (protocol reference 3.7 and 5.4). */
public final class EventParams {
    private EventParams() {}

    /**
     * {@code server.emit(name, ...args)}: exactly one object or array argument becomes {@code params} itself.
     *
     * @param args the emit arguments ({@code null} elements stand for JSON {@code null})
     * @return the notification's {@code params}
     */
    public static JsonNode forGlobalEmit(List<JsonNode> args) {
        if (args.size() == 1) {
            JsonNode only = args.get(0);
            if (only != null && (only.isObject() || only.isArray())) return only;
        }
        return forNamespaceEmit(args);
    }

    /**
     * {@code server.of(ns).emit(name, ...args)}: always the array of arguments.
     *
     * @param args the emit arguments ({@code null} elements stand for JSON {@code null})
     * @return the notification's {@code params}
     */
    public static ArrayNode forNamespaceEmit(List<JsonNode> args) {
        ArrayNode params = Json.array();
        for (JsonNode a : args) params.add(a == null ? params.nullNode() : a);
        return params;
    }

    /**
     * The arguments a client listener receives, as the reference client computes them: no own keys
     * ({@code []}, {@code {}}, numbers, booleans, {@code ""}) -> none; an object -> that object; anything
     * else is spread (an array's elements, a string's characters). Absent or null params -> none (the
     * reference client crashes there).
     *
     * @param params a notification's {@code params}, or {@code null} when absent
     * @return the listener's arguments, in order
     */
    public static List<JsonNode> toListenerArgs(JsonNode params) {
        List<JsonNode> args = new ArrayList<>();
        if (params == null || params.isNull() || params.isMissingNode()) return args;
        if (params.isObject()) {
            if (!params.isEmpty()) args.add(params);
        } else if (params.isArray()) {
            params.forEach(args::add);
        } else if (params.isTextual()) {
            params.textValue().codePoints().forEach(cp -> args.add(Json.mapper().getNodeFactory().textNode(Character.toString(cp))));
        }
        return args;
    }
}
