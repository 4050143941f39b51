package dev.rpcws.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A JSON-RPC error, exactly as it travels in a response's {@code error} member. Server handlers throw it
 * to answer with a chosen error; clients fail calls with it. Usually the error is an object with
 * {@code code}, {@code message} and optionally {@code data}; the reference also lets a handler throw a bare
 * value (e.g. the string {@code "Socket ID does not match!"}), which this type carries unchanged.
 */
public class RpcException extends RuntimeException {
    private final transient JsonNode error;

    /**
     * An error object whose {@code data} member is absent.
     *
     * @param code the error's code
     * @param message its message
     */
    public RpcException(int code, String message) {
        this(RpcErrors.of(code, message));
    }

    /**
     * An error object with a {@code data} member.
     *
     * @param code the error's code
     * @param message its message
     * @param data any value Jackson can convert; Java {@code null} is sent as {@code "data":null}
     */
    public RpcException(int code, String message, Object data) {
        this(RpcErrors.of(code, message, Json.toNode(data)));
    }

    /**
     * Any error value: an object, or a bare value the way the reference lets handlers throw one.
     *
     * @param error the {@code error} member as it travels
     */
    public RpcException(JsonNode error) {
        super(describe(error), null, false, false);
        this.error = error;
    }

    /** {@return the error member exactly as it is (or was) on the wire} */
    public JsonNode error() {
        return error;
    }

    /** {@return the error's code, or {@code null} when the error is not an object with a numeric code} */
    public Integer code() {
        JsonNode c = error.isObject() ? error.get("code") : null;
        return c != null && c.isNumber() ? c.intValue() : null;
    }

    /** {@return the error's message, or the bare error value's text} */
    public String errorMessage() {
        JsonNode m = error.isObject() ? error.get("message") : error;
        return m == null ? null : m.isTextual() ? m.textValue() : Json.write(m);
    }

    /** {@return whether the error object has a {@code data} member (which may be JSON null)} */
    public boolean hasData() {
        return error.isObject() && error.has("data");
    }

    /** {@return the {@code data} member ({@code NullNode} when sent as null), or Java {@code null} when absent} */
    public JsonNode data() {
        return error.isObject() ? error.get("data") : null;
    }

    private static String describe(JsonNode error) {
        if (error instanceof ObjectNode || error instanceof TextNode) return Json.write(error);
        return String.valueOf(error);
    }
}
