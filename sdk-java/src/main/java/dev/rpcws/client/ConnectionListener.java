package dev.rpcws.client;

import java.time.Duration;

/**
 * Lifecycle callbacks, all optional. They run on the client's serial lane (never on a Jetty I/O thread), in
 * the order things happened, interleaved with event deliveries.
 */
public interface ConnectionListener {
    /** The connection is open (after a reconnect: and restored, just before {@link #onReconnected}). */
    default void onOpen() {}

    /**
     * An open connection ended: closed by either side, lost (1006), or found dead by the heartbeat.
     *
     * @param code the WebSocket close code
     * @param reason the close reason, possibly empty
     */
    default void onClose(int code, String reason) {}

    /**
     * Something failed outside any call: a connection attempt, a restore step, an unsolicited error.
     *
     * @param cause what failed: an {@link RpcClientException}
     */
    default void onError(Throwable cause) {}

    /**
     * A reconnect attempt is scheduled.
     *
     * @param attempt its number, from 1
     * @param delay how long until it starts
     */
    default void onReconnecting(int attempt, Duration delay) {}

    /**
     * A reconnect succeeded and login and subscriptions were restored (unless that was turned off).
     * {@code eventsMayHaveBeenMissed} is true when subscriptions existed: events emitted during the gap are
     * lost, so re-read whatever state they describe.
     *
     * @param eventsMayHaveBeenMissed whether subscriptions existed during the gap
     */
    default void onReconnected(boolean eventsMayHaveBeenMissed) {}

    /**
     * The last allowed attempt failed; the client is now {@link ClientState#CLOSED}.
     *
     * @param code the close code of the last connection or attempt
     * @param reason its close reason, possibly empty
     */
    default void onMaxReconnectsReached(int code, String reason) {}
}
