package dev.rpcws.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A call, subscription or connection failed on the client's side of the wire: no error reply from the server
 * is involved (those are {@link RpcCallException}). The {@link Kind} says what happened; {@link #detail()}
 * carries the frame or value that caused it, when there is one.
 */
public class RpcClientException extends RuntimeException {
    /** What went wrong. */
    public enum Kind {
        /** No reply within the call's timeout; a late reply is ignored. */
        TIMEOUT,
        /** The connection dropped (or was closed) while the call was pending. */
        CONNECTION_LOST,
        /** The client was not connected and was not asked to wait for a connection. */
        NOT_CONNECTED,
        /** {@code rpc.login} answered with a falsy result; {@link #detail()} is that result. */
        AUTH_FAILED,
        /** {@code rpc.on}/{@code rpc.off} answered with a failing status; {@link #detail()} is the status map. */
        SUBSCRIPTION_FAILED,
        /** The reply had both {@code result} and {@code error}, or neither, or an unusable shape; {@link #detail()} is the frame. */
        MALFORMED_REPLY,
        /** Logging in again or re-subscribing after a reconnect failed; the cause says why. */
        RESTORE_FAILED,
        /** The WebSocket connection could not be established. */
        CONNECT_FAILED
    }

    private final Kind kind;
    private final String method;
    private final transient JsonNode detail;

    public RpcClientException(Kind kind, String method, String message, JsonNode detail, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.method = method;
        this.detail = detail;
    }

    RpcClientException(Kind kind, String method, String message) {
        this(kind, method, message, null, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The method of the failed call, or {@code null} when the failure is not about one call. */
    public String method() {
        return method;
    }

    /** The offending frame, status map or result, or {@code null}. */
    public JsonNode detail() {
        return detail;
    }
}
