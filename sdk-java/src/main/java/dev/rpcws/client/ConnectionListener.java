package dev.rpcws.client;

import java.time.Duration;

/**
 * Lifecycle callbacks, all optional. They run on the client's serial lane (never on a Jetty I/O thread), in
 * the order things happened, interleaved with event deliveries.
 */
public interface ConnectionListener {
    /** The connection is open (after a reconnect: and restored, just before {@link #onReconnected}). */
    default void onOpen() {}

    /** An open connection ended: closed by either side, lost (1006), or found dead by the heartbeat. */
    default void onClose(int code, String reason) {}

    /** Something failed outside any call: a connection attempt, a restore step, an unsolicited error. */
    default void onError(Throwable cause) {}

    /** Attempt {@code attempt} (from 1) will start after {@code delay}. */
    default void onReconnecting(int attempt, Duration delay) {}

    /**
     * A reconnect succeeded and login and subscriptions were restored (unless that was turned off).
     * {@code eventsMayHaveBeenMissed} is true when subscriptions existed: events emitted during the gap are
     * lost, so re-read whatever state they describe.
     */
    default void onReconnected(boolean eventsMayHaveBeenMissed) {}

    /** The last allowed attempt failed; the client is now {@link ClientState#CLOSED}. */
    default void onMaxReconnectsReached(int code, String reason) {}
}
