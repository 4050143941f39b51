package dev.rpcws.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The error objects the reference server generates (protocol reference 3.4), member order {@code code, message, data}. */
public final class RpcErrors {
    /** The frame is not JSON ("Parse error"). */
    public static final int PARSE_ERROR = -32700;
    /** The frame is JSON but not a request ("Invalid Request"), or a batch is too long. */
    public static final int INVALID_REQUEST = -32600;
    /** No method of that name ("Method not found"). */
    public static final int METHOD_NOT_FOUND = -32601;
    /** No method name, or {@code rpc.on}/{@code rpc.off} params that are not an array ("Invalid params"). */
    public static final int INVALID_PARAMS = -32602;
    /** {@code rpc.login} without params ("Params not found"). */
    public static final int PARAMS_NOT_FOUND = -32604;
    /** A protected method called before login ("Method forbidden"). */
    public static final int METHOD_FORBIDDEN = -32605;
    /** A protected event subscribed to before login ("Event forbidden"). */
    public static final int EVENT_FORBIDDEN = -32606;
    /** Used by the reference for "Event not provided" and for exceptions thrown by handlers. */
    public static final int SERVER_ERROR = -32000;

    private RpcErrors() {}

    /**
     * An error object without {@code data}.
     *
     * @param code the error's code
     * @param message its message
     * @return {@code {"code":...,"message":...}}
     */
    public static ObjectNode of(int code, String message) {
        ObjectNode e = Json.object();
        e.put("code", code);
        e.put("message", message);
        return e;
    }

    /**
     * An error object with {@code data}.
     *
     * @param code the error's code
     * @param message its message
     * @param data its data; Java {@code null} is sent as {@code null}
     * @return {@code {"code":...,"message":...,"data":...}}
     */
    public static ObjectNode of(int code, String message, JsonNode data) {
        ObjectNode e = of(code, message);
        e.set("data", data == null ? e.nullNode() : data);
        return e;
    }

    /**
     * An error object with text {@code data}.
     *
     * @param code the error's code
     * @param message its message
     * @param data its data
     * @return {@code {"code":...,"message":...,"data":"..."}}
     */
    public static ObjectNode of(int code, String message, String data) {
        ObjectNode e = of(code, message);
        e.put("data", data);
        return e;
    }

    static ObjectNode parseError(String detail) { return of(PARSE_ERROR, "Parse error", detail); }
    static ObjectNode invalidRequest() { return of(INVALID_REQUEST, "Invalid Request"); }
    static ObjectNode invalidRequest(String detail) { return of(INVALID_REQUEST, "Invalid Request", detail); }
    static ObjectNode invalidParams(String detail) { return of(INVALID_PARAMS, "Invalid params", detail); }
    static ObjectNode methodNotFound() { return of(METHOD_NOT_FOUND, "Method not found"); }
    static ObjectNode paramsNotFound() { return of(PARAMS_NOT_FOUND, "Params not found"); }
    static ObjectNode methodForbidden() { return of(METHOD_FORBIDDEN, "Method forbidden"); }
    static ObjectNode eventForbidden() { return of(EVENT_FORBIDDEN, "Event forbidden"); }
    static ObjectNode eventNotProvided() { return of(SERVER_ERROR, "Event not provided"); }

    /** A handler failed with something other than an {@link RpcException}: its text stays on the server (deviation D9). */
    static ObjectNode internalError() { return of(SERVER_ERROR, "Error", "Internal error"); }
    /** A login handler failed with something other than an {@link RpcException} (deviation D12). */
    static ObjectNode authenticationFailed() { return of(SERVER_ERROR, "Error", "authentication failed"); }
}
