package dev.rpcws.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The names and numbers of the wire, each in one place for the server and the clients: the reference's
 * built-in methods and the per-event statuses of {@code rpc.on} / {@code rpc.off} (protocol reference 3.5
 * and 3.6), the close codes this project sends or reports (RFC 6455 7.4.1), the heartbeat's ping payload, and
 * the defaults both ends share. JSON-RPC error codes are in {@link RpcErrors}.
 */
public final class Wire {
    private Wire() {}

    // ---- built-in methods ----

    /** Subscribes the connection to the events named in its params. */
    public static final String SUBSCRIBE = "rpc.on";
    /** Unsubscribes the connection from the events named in its params. */
    public static final String UNSUBSCRIBE = "rpc.off";
    /** Logs the connection in when the namespace's login handler returns {@code true}. */
    public static final String LOGIN = "rpc.login";
    /** Every namespace answers it with the names of its methods, in {@code Object.keys} order. */
    public static final String LIST_METHODS = "__listMethods";

    // ---- what rpc.on and rpc.off answer for each event ----

    /** Subscribed or unsubscribed. */
    public static final String STATUS_OK = "ok";
    /** {@code rpc.on} of an event the connection already has. */
    public static final String STATUS_ALREADY_SUBSCRIBED = "socket has already been subscribed to event";
    /** {@code rpc.off} of an event the connection does not have. */
    public static final String STATUS_NOT_SUBSCRIBED = "not subscribed";
    /** Either, for an event the namespace does not declare. */
    public static final String STATUS_EVENT_INVALID = "provided event invalid";

    // ---- close codes ----

    /** A namespace closed on purpose, or a client closing for good: the reference client does not reconnect. */
    public static final int CLOSE_NORMAL = 1000;
    /** Server shutdown, or a peer that did not answer pings: clients reconnect. */
    public static final int CLOSE_GOING_AWAY = 1001;
    /** Never sent: what a connection that ended without a close frame is reported as. */
    public static final int CLOSE_ABNORMAL = 1006;
    /** A text message that is not valid UTF-8. */
    public static final int CLOSE_INVALID_PAYLOAD = 1007;
    /** A slow consumer, or too many failed logins. */
    public static final int CLOSE_POLICY_VIOLATION = 1008;
    /** A message over the size limit. */
    public static final int CLOSE_TOO_BIG = 1009;

    // ---- heartbeat ----

    private static final ByteBuffer PING_PAYLOAD = ByteBuffer.wrap("rpcws".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();

    /** {@return what this project's server and clients put in their pings (any payload is valid; a fixed one is easy to spot in a capture)} */
    public static ByteBuffer pingPayload() {
        return PING_PAYLOAD.duplicate();
    }

    // ---- defaults both ends share ----

    /** Under the 60 s idle cut-off of common proxies (nginx, load balancers). */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);
    /** A peer silent this long after a ping is taken for dead. */
    public static final Duration DEFAULT_PONG_TIMEOUT = Duration.ofSeconds(10);
    /** Far above any sane JSON-RPC message, far below the reference's 100 MiB. */
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 16L * 1024 * 1024;
    /**
     * How long the side that starts a close handshake waits for it to complete before it drops the socket. A
     * handshake takes one round trip, so a second covers any live link several times over; a peer that needs
     * longer is stalled or gone, and waiting longer only holds its socket (and, on shutdown, the stop).
     */
    public static final Duration CLOSE_GRACE = Duration.ofSeconds(1);
}
