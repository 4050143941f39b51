package dev.rpcws.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.Json;
import dev.rpcws.protocol.client.CallError;

/**
 * The server answered a call with an error (kind {@link Kind#SERVER_ERROR}). {@link #code()},
 * {@link #errorMessage()} and {@link #data()} are exactly what it sent, {@link #hasData()} tells an absent
 * {@code data} from {@code "data":null}, and {@link #error()} (also {@link #detail()}) is the raw {@code error}
 * member. A bare error value (the reference lets handlers throw a string such as
 * {@code "Socket ID does not match!"}) has no code, its text as message, and itself as data.
 */
public class RpcCallException extends RpcClientException {
    private final transient CallError error;

    /**
     * An error reply to a call.
     *
     * @param method the method called
     * @param error the reply's {@code error} member
     */
    public RpcCallException(String method, JsonNode error) {
        this(method, new CallError(error));
    }

    RpcCallException(String method, CallError error) {
        super(Kind.SERVER_ERROR, method, method + ": " + describe(error), error.error(), null);
        this.error = error;
    }

    /** {@return the error member exactly as it was on the wire} */
    public JsonNode error() {
        return error.error();
    }

    /** {@return true when the server sent an error object rather than a bare value} */
    public boolean isErrorObject() {
        return error.isObject();
    }

    /** {@return the error's numeric code, or {@code null} (a bare value, or an object without a numeric code)} */
    public Integer code() {
        return error.code();
    }

    /** {@return the error's message, or the bare value's text} */
    public String errorMessage() {
        return error.message();
    }

    /** {@return whether the error has data: a {@code data} member (which may be JSON null), or a bare value} */
    public boolean hasData() {
        return error.hasData();
    }

    /** {@return the {@code data} member ({@code NullNode} when sent as null) or the bare value; {@code null} when absent} */
    public JsonNode data() {
        return error.data();
    }

    private static String describe(CallError error) {
        JsonNode e = error.error();
        return e.isObject() || e.isTextual() ? Json.write(e) : String.valueOf(e);
    }
}
