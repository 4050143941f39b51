package dev.rpcws.protocol.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.Json;

import java.util.Objects;

/**
 * The {@code error} member of a reply, read the way a client reports it (docs/client-behaviour.md, "Calls").
 * Usually an object with {@code code}, {@code message} and perhaps {@code data}; the reference also lets a
 * handler throw a bare value (e.g. the string {@code "Socket ID does not match!"}), which has no code, its
 * text as message and itself as data. Any value counts, even a falsy one ({@code 0}, {@code null}).
 */
public record CallError(JsonNode error) {
    /** @param error the reply's {@code error} member; never Java {@code null} */
    public CallError {
        Objects.requireNonNull(error, "error");
    }

    /** {@return true when the server sent an error object rather than a bare value} */
    public boolean isObject() {
        return error.isObject();
    }

    /** {@return the numeric {@code code}, or {@code null} (a bare value, or an object without a numeric code)} */
    public Integer code() {
        JsonNode c = isObject() ? error.get("code") : null;
        return c != null && c.isNumber() ? c.intValue() : null;
    }

    /** {@return the {@code message} member, or the bare value's text; {@code null} for an object without one} */
    public String message() {
        JsonNode m = isObject() ? error.get("message") : error;
        return m == null ? null : m.isTextual() ? m.textValue() : Json.write(m);
    }

    /** {@return whether there is data: an object's {@code data} member (which may be JSON null), or a bare value} */
    public boolean hasData() {
        return !isObject() || error.has("data");
    }

    /** {@return the {@code data} member ({@code NullNode} when sent as null) or the bare value; Java {@code null} when absent} */
    public JsonNode data() {
        return isObject() ? error.get("data") : error;
    }
}
