package dev.rpcws.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The one type the SDK fails with: every future it returns fails with one, and every {@code onError} it
 * reports is one, so {@code catch (RpcClientException e)} catches anything from the SDK. The {@link Kind}
 * says what happened; {@link #detail()} carries the frame or value that caused it, when there is one. An
 * error reply from the server is the subclass {@link RpcCallException} (kind {@link Kind#SERVER_ERROR}),
 * which adds the error's code, message and data.
 *
 * <p>Not covered: wrong arguments to the API itself ({@code null} listeners, a {@code http://} URI, a negative
 * option) are programming errors and throw {@link IllegalArgumentException} or {@link NullPointerException}
 * at once, from the method called; a future the application cancels fails with
 * {@link java.util.concurrent.CancellationException}.
 */
public class RpcClientException extends RuntimeException {
    /** What went wrong. */
    public enum Kind {
        /** The server answered the call with an error: the exception is an {@link RpcCallException}. */
        SERVER_ERROR,
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
        /** The result could not be bound to the Java type the call asked for; {@link #detail()} is the result. */
        UNEXPECTED_RESULT,
        /**
         * The params cannot be encoded as JSON (a number that is not finite, an object Jackson cannot write,
         * nesting deeper than the codec allows): the call failed before anything was sent; the connection and
         * other calls are unaffected.
         */
        ENCODE_FAILED,
        /** Logging in again or re-subscribing after a reconnect failed; the cause says why. */
        RESTORE_FAILED,
        /** The WebSocket connection could not be established. */
        CONNECT_FAILED
    }

    /** What went wrong. */
    private final Kind kind;
    /** The method of the failed call, or {@code null}. */
    private final String method;
    private final transient JsonNode detail;

    /**
     * A failure of the SDK.
     *
     * @param kind what went wrong
     * @param method the method of the failed call, or {@code null} when the failure is not about one call
     * @param message the text for people
     * @param detail the frame or value that caused it, or {@code null}
     * @param cause the underlying failure, or {@code null}
     */
    public RpcClientException(Kind kind, String method, String message, JsonNode detail, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.method = method;
        this.detail = detail;
    }

    RpcClientException(Kind kind, String method, String message) {
        this(kind, method, message, null, null);
    }

    /** {@return what went wrong} */
    public Kind kind() {
        return kind;
    }

    /** {@return the method of the failed call, or {@code null} when the failure is not about one call} */
    public String method() {
        return method;
    }

    /** {@return the offending frame, status map, result or error member, or {@code null}} */
    public JsonNode detail() {
        return detail;
    }
}
