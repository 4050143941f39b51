package dev.rpcws.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds the frames of the protocol, members in the reference's order. */
public final class Frames {
    private Frames() {}

    /**
     * {@code {"jsonrpc":"2.0","result":...,"id":...}}; a Java null result is sent as {@code null}.
     *
     * @param result the call's result
     * @param id the call's id, as it came
     * @return the reply frame
     */
    public static ObjectNode result(JsonNode result, JsonNode id) {
        ObjectNode f = Json.object();
        f.put("jsonrpc", "2.0");
        f.set("result", result == null ? NullNode.instance : result);
        f.set("id", id == null ? NullNode.instance : id);
        return f;
    }

    /**
     * {@code {"jsonrpc":"2.0","error":...,"id":...}}.
     *
     * @param error the error value (usually {@code {"code":...,"message":...}})
     * @param id the call's id, as it came, or {@code null}
     * @return the error frame
     */
    public static ObjectNode error(JsonNode error, JsonNode id) {
        ObjectNode f = Json.object();
        f.put("jsonrpc", "2.0");
        f.set("error", error);
        f.set("id", id == null ? NullNode.instance : id);
        return f;
    }

    /**
     * An event: {@code {"notification":"name","params":[...]}}, params always an array or object.
     *
     * @param event the event's name
     * @param params its params: an array or an object
     * @return the notification frame
     * @throws IllegalArgumentException when {@code params} is neither an array nor an object
     */
    public static ObjectNode notification(String event, JsonNode params) {
        if (params == null || !(params.isArray() || params.isObject())) {
            throw new IllegalArgumentException("event params must be an array or an object, got " + params);
        }
        ObjectNode f = Json.object();
        f.put("notification", event);
        f.set("params", params);
        return f;
    }

    /**
     * A call ({@code id} non-null) or a notification ({@code id} null); {@code params} omitted when null.
     *
     * @param method the method's name
     * @param params its params, or {@code null} for none
     * @param id the call's id, or {@code null} for a notification
     * @return the request frame
     */
    public static ObjectNode request(String method, JsonNode params, JsonNode id) {
        ObjectNode f = Json.object();
        f.put("jsonrpc", "2.0");
        f.put("method", method);
        if (params != null) f.set("params", params);
        if (id != null) f.set("id", id);
        return f;
    }
}
