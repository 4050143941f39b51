package dev.rpcws.client;

import dev.rpcws.protocol.Utf8;
import dev.rpcws.protocol.Wire;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.CloseException;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebSocket connection of a client, from handshake to close, with its {@link Heartbeat}. It reports to its owner
 * at most once that it ended. Public only because Jetty calls endpoint methods through method handles; it is
 * not part of the API.
 */
public final class WebSocketLink implements Session.Listener {

    /** What the client hears from a link; called on Jetty or timer threads, so implementations must not block. */
    interface Owner {
        void opened(WebSocketLink link);

        void received(WebSocketLink link, String text);

        void ended(WebSocketLink link, int code, String reason, Throwable cause);
    }

    private final Owner owner;
    private final ScheduledExecutorService timers;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Heartbeat heartbeat;
    private volatile Session session;
    private volatile ScheduledFuture<?> closeGrace;

    WebSocketLink(Owner owner, ScheduledExecutorService timers) {
        this.owner = owner;
        this.timers = timers;
        this.heartbeat = new Heartbeat(timers);
    }

    // ---- sending ----

    /** Sends one text frame; the future fails if the frame could not be written. */
    CompletableFuture<Void> send(String text) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        Session s = session;
        if (s == null || ended.get()) {
            written.completeExceptionally(new IllegalStateException("connection closed"));
        } else {
            s.sendText(text, Callback.from(() -> written.complete(null), written::completeExceptionally));
        }
        return written;
    }

    /** Whether the handshake completed (the connection may have ended since). */
    boolean isOpen() {
        return session != null;
    }

    String acceptedSubprotocol() {
        Session s = session;
        return s == null ? null : s.getUpgradeResponse().getAcceptedSubProtocol();
    }

    // ---- heartbeat ----

    /** Starts the client's pings (see {@link Heartbeat}); a peer found dead is aborted. */
    void startHeartbeat(Duration interval, Duration timeout) {
        heartbeat.start(interval, timeout, this::ping, this::abort);
    }

    private void ping() {
        Session s = session;
        if (s != null && !ended.get()) s.sendPing(Wire.pingPayload(), Callback.NOOP);
    }

    // ---- ending ----

    /** Starts the close handshake; if the peer does not finish it in time, drops the socket. */
    void close(int code, String reason) {
        Session s = session;
        if (s == null || ended.get()) return;
        try {
            s.close(code, reason, Callback.NOOP);
        } catch (RuntimeException invalidCode) { // e.g. 1006, which no endpoint may send
            abort("cannot close with " + code + ": " + invalidCode.getMessage());
            return;
        }
        closeGrace = timers.schedule(() -> abort("close handshake timed out"), Wire.CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Drops the socket without a close handshake: reported as 1006 with {@code why} as the reason. */
    void abort(String why) {
        if (!end(Wire.CLOSE_ABNORMAL, why, null)) return;
        Session s = session;
        if (s != null) s.disconnect();
    }

    private boolean end(int code, String reason, Throwable cause) {
        if (!ended.compareAndSet(false, true)) return false;
        heartbeat.stop();
        ScheduledFuture<?> grace = closeGrace;
        if (grace != null) grace.cancel(false);
        owner.ended(this, code, reason, cause);
        return true;
    }

    // ---- Jetty listener: every handler asks for the next frame, control frames included ----

    @Override public void onWebSocketOpen(Session s) {
        session = s;
        heard();
        owner.opened(this);
        s.demand();
    }

    @Override public void onWebSocketText(String text) {
        heard();
        owner.received(this, text);
        session.demand();
    }

    @Override public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        heard();
        // The reference client reads binary frames as UTF-8 JSON too, invalid bytes replaced as Node replaces them.
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        String text = Utf8.decodeReplacing(bytes);
        callback.succeed();
        owner.received(this, text);
        session.demand();
    }

    @Override public void onWebSocketPing(ByteBuffer payload) {
        heard();
        // Declaring this handler turns off Jetty's automatic pong: answer it ourselves, with a copy because
        // Jetty may reuse the payload's buffer once this method returns.
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload.slice()).flip();
        session.sendPong(copy, Callback.NOOP);
        session.demand();
    }

    @Override public void onWebSocketPong(ByteBuffer payload) {
        heard();
        session.demand();
    }

    @Override public void onWebSocketClose(int code, String reason, Callback callback) {
        callback.succeed();
        end(code, reason, null);
    }

    @Override public void onWebSocketError(Throwable cause) {
        // Only an open connection ends here; a failed handshake is reported through the connect future. When
        // Jetty closed it for a reason with a code of its own (1009: a message over maxMessageBytes, 1007, 1002),
        // that code went out in the close frame and is the one reported.
        int code = cause instanceof CloseException closed ? closed.getStatusCode() : Wire.CLOSE_ABNORMAL;
        if (session != null) end(code, String.valueOf(cause.getMessage()), cause);
    }

    private void heard() {
        heartbeat.heard();
    }
}
