package dev.rpcws.protocol.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import dev.rpcws.protocol.Frames;
import dev.rpcws.protocol.Json;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a client sends (docs/client-behaviour.md, "Calls"): requests and notifications with their members in
 * the reference's order, {@code params} omitted when there are none, strings exactly as V8's
 * {@code JSON.stringify} writes them. A value JSON cannot hold is refused before anything is written.
 */
public final class Requests {
    private Requests() {}

    /**
     * The {@code params} member for what the application passed: a {@code List} or array (positional), a
     * {@code Map} or POJO (named), a {@link JsonNode}; {@code null} (Java or JSON) for none.
     *
     * @param params what the application passed
     * @return the member's value, or {@code null} to omit it
     * @throws IllegalArgumentException when the value cannot be encoded as JSON: a number that is not finite
     *         (deviation C10: {@code JSON.stringify} would send {@code null}), or an object the codec cannot write
     */
    public static JsonNode params(Object params) {
        JsonNode node;
        try {
            node = Json.toNode(params);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot encode the params as JSON: " + e.getMessage(), e);
        }
        if (node == null || node.isNull() || node.isMissingNode()) return null;
        requireFinite(node);
        return node;
    }

    /**
     * A call: {@code {"jsonrpc":"2.0","method":...,"params":...,"id":...}}.
     *
     * @param method the method's name
     * @param params from {@link #params}, {@code null} to omit
     * @param id the call's id
     * @return the frame's text
     */
    public static String call(String method, JsonNode params, long id) {
        return Json.write(Frames.request(method, params, LongNode.valueOf(id)));
    }

    /**
     * A notification: the same without {@code id}; the server sends no reply.
     *
     * @param method the method's name
     * @param params from {@link #params}, {@code null} to omit
     * @return the frame's text
     */
    public static String notification(String method, JsonNode params) {
        return Json.write(Frames.request(method, params, null));
    }

    private static void requireFinite(JsonNode root) {
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            JsonNode n = todo.pop();
            if (n.isContainerNode()) {
                n.forEach(todo::push);
            } else if (n.isFloatingPointNumber() && !Double.isFinite(n.doubleValue())) {
                throw new IllegalArgumentException("cannot encode " + n.doubleValue() + " as JSON: JSON has no form for it");
            }
        }
    }
}
