package dev.rpcws.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.RpcException;

/**
 * The server answered a call with an error. {@link #code()}, {@link #errorMessage()} and {@link #data()} are
 * exactly what it sent, {@link #hasData()} tells an absent {@code data} from {@code "data":null}, and
 * {@link #error()} is the raw {@code error} member. A bare error value (the reference lets handlers throw a
 * string such as {@code "Socket ID does not match!"}) has no code, its text as message, and itself as data.
 */
public class RpcCallException extends RpcException {
    private final String method;

    public RpcCallException(String method, JsonNode error) {
        super(error);
        this.method = method;
    }

    /** The method whose call failed. */
    public String method() {
        return method;
    }

    /** True when the server sent an error object rather than a bare value. */
    public boolean isErrorObject() {
        return error().isObject();
    }

    @Override public boolean hasData() {
        return !isErrorObject() || super.hasData();
    }

    @Override public JsonNode data() {
        return isErrorObject() ? super.data() : error();
    }

    @Override public String getMessage() {
        return method + ": " + super.getMessage();
    }
}
