package dev.rpcws.server;

import dev.rpcws.protocol.Json;
import dev.rpcws.protocol.Peer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket connection: its namespace, socket id, login flag and subscriptions. Frames are processed
 * concurrently on the server's handler executor; reads pause while {@code maxInFlight} frames are unanswered
 * (TCP back-pressure instead of an unbounded queue); replies and events go through a bounded outbound budget.
 * Public because Jetty invokes its listener methods through method handles.
 */
public final class RpcConnection implements Session.Listener, Peer {
    private static final Logger LOG = LoggerFactory.getLogger(RpcConnection.class);
    private static final ByteBuffer PING_PAYLOAD = ByteBuffer.wrap("rpcws".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();

    private final RpcServer server;
    private final Namespace namespace;
    private final String socketId;
    private final String identity;
    private final ServerOptions options;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean gone = new AtomicBoolean();
    private volatile Session session;
    private volatile boolean loggedIn;
    private final AtomicInteger failedLogins = new AtomicInteger();
    private volatile long lastHeardNanos = System.nanoTime();
    private int inFlight;         // guarded by this
    private boolean readsPaused;  // guarded by this

    RpcConnection(RpcServer server, Namespace namespace, String socketId, String identity, boolean loggedIn) {
        this.server = server;
        this.namespace = namespace;
        this.socketId = socketId;
        this.identity = identity;
        this.loggedIn = loggedIn;
        this.options = server.options();
    }

    // ---- Peer: what the processing rules see ----

    @Override public String socketId() { return socketId; }
    @Override public String namespace() { return namespace.name(); }
    @Override public boolean loggedIn() { return loggedIn; }
    @Override public String identity() { return identity; }
    @Override public void logIn() { loggedIn = true; }
    @Override public void loginFailed() { failedLogins.incrementAndGet(); }
    @Override public Method method(String name) { return namespace.method(name); }
    @Override public Event event(String name) { return namespace.eventEntry(name); }

    @Override public boolean subscribe(String event) {
        Namespace.EventEntry e = namespace.eventEntry(event);
        return e != null && !gone.get() && e.subscribers.add(this);
    }

    @Override public boolean unsubscribe(String event) {
        Namespace.EventEntry e = namespace.eventEntry(event);
        return e != null && e.subscribers.remove(this);
    }

    // ---- Jetty listener ----

    @Override public void onWebSocketOpen(Session s) {
        session = s;
        namespace.attach(this);
        server.metrics().connectionOpened();
        if (options.pingInterval().toMillis() > 0) scheduleNextPing();
        s.demand();
    }

    @Override public void onWebSocketText(String text) {
        heard();
        accept(text);
    }

    @Override public void onWebSocketBinary(ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback callback) {
        heard();
        // The reference decodes binary frames as UTF-8 JSON and answers in text.
        String text = StandardCharsets.UTF_8.decode(payload).toString();
        callback.succeed();
        accept(text);
    }

    @Override public void onWebSocketPong(ByteBuffer payload) {
        heard();
        server.metrics().pongReceived();
        demandAfterControlFrame();
    }

    @Override public void onWebSocketPing(ByteBuffer payload) {
        heard();
        // Declaring this handler turns off Jetty's automatic pong: answer it ourselves.
        Session s = session;
        if (s != null) s.sendPong(payload, Callback.NOOP);
        demandAfterControlFrame();
    }

    @Override public void onWebSocketClose(int statusCode, String reason, org.eclipse.jetty.websocket.api.Callback callback) {
        leave();
        callback.succeed();
    }

    @Override public void onWebSocketError(Throwable cause) {
        LOG.debug("connection {} error: {}", socketId, cause.toString());
        leave();
    }

    // ---- frames in ----

    private void accept(String text) {
        server.metrics().frameReceived();
        boolean demand;
        synchronized (this) {
            inFlight++;
            demand = inFlight < options.maxInFlight();
            readsPaused = !demand;
        }
        if (demand) session.demand();
        try {
            server.handlerExecutor().execute(() -> process(text));
        } catch (RuntimeException rejected) {
            LOG.warn("handler executor refused a frame of {}: {}", socketId, rejected.toString());
            frameDone();
        }
    }

    private void process(String text) {
        try {
            server.processor().process(text, this).whenComplete((reply, failure) -> {
                try {
                    if (failure != null) LOG.error("unexpected failure processing a frame of {}", socketId, failure);
                    else if (reply != null) {
                        server.metrics().replied(reply);
                        send(Json.write(reply));
                    }
                    int maxFailed = options.maxFailedLogins();
                    if (maxFailed > 0 && failedLogins.get() >= maxFailed) {
                        evict(ServerOptions.CLOSE_FAILED_LOGINS, "Too many failed logins", "failed_logins");
                    }
                } finally {
                    frameDone();
                }
            });
        } catch (RuntimeException e) {
            LOG.error("unexpected failure processing a frame of {}", socketId, e);
            frameDone();
        }
    }

    private void frameDone() {
        boolean demand;
        synchronized (this) {
            inFlight--;
            demand = readsPaused && inFlight < options.maxInFlight();
            if (demand) readsPaused = false;
        }
        if (demand && !gone.get()) session.demand();
    }

    /** Control frames are delivered on demand too; ask for the next frame unless reads are paused. */
    private void demandAfterControlFrame() {
        boolean demand;
        synchronized (this) {
            demand = !readsPaused;
        }
        if (demand && !gone.get()) session.demand();
    }

    private synchronized boolean readsPaused() {
        return readsPaused;
    }

    private void heard() {
        lastHeardNanos = System.nanoTime();
    }

    // ---- frames out ----

    boolean sendEvent(String frame) {
        if (!send(frame)) return false;
        server.metrics().eventDelivered();
        return true;
    }

    /** Queues a text frame; a peer whose queue passes the bound is cut off (slow-consumer policy). */
    boolean send(String frame) {
        Session s = session;
        if (s == null || gone.get()) return false;
        long size = utf8Length(frame);
        if (queuedBytes.addAndGet(size) > options.maxQueuedBytes()) {
            queuedBytes.addAndGet(-size);
            evict(ServerOptions.CLOSE_SLOW_CONSUMER, "Slow consumer: more than " + options.maxQueuedBytes() + " bytes queued", "slow_consumer");
            return false;
        }
        s.sendText(frame, Callback.from(() -> queuedBytes.addAndGet(-size), failure -> queuedBytes.addAndGet(-size)));
        return true;
    }

    /** Closes with a code and reason, drops subscriptions at once, and aborts the socket if the close handshake stalls. */
    void evict(int code, String reason, String metricReason) {
        Session s = session;
        if (s == null || gone.get()) return;
        server.metrics().evicted(metricReason);
        LOG.info("evicting {} on {}: {}", socketId, namespace.name(), reason);
        leave();
        s.close(code, reason, Callback.NOOP);
        server.scheduler().schedule(s::disconnect, ServerOptions.CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes normally (server shutdown, namespace closed); completes once the close frame is written. */
    CompletableFuture<Void> close(int code, String reason) {
        Session s = session;
        leave();
        CompletableFuture<Void> sent = new CompletableFuture<>();
        if (s != null && s.isOpen()) s.close(code, reason, Callback.from(() -> sent.complete(null), sent::completeExceptionally));
        else sent.complete(null);
        return sent;
    }

    private void leave() {
        if (!gone.compareAndSet(false, true)) return;
        namespace.detach(this);
        server.metrics().connectionClosed();
        server.release();
    }

    // ---- heartbeat ----

    private void scheduleNextPing() {
        server.scheduler().schedule(this::ping, options.pingInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Pings at a fixed interval; each ping unanswered within the pong timeout evicts the peer. */
    private void ping() {
        Session s = session;
        if (gone.get() || s == null || !s.isOpen()) return;
        long sentAt = System.nanoTime();
        s.sendPing(PING_PAYLOAD.duplicate(), Callback.NOOP);
        server.metrics().pingSent();
        server.scheduler().schedule(() -> checkPong(sentAt), options.pongTimeout().toMillis(), TimeUnit.MILLISECONDS);
        scheduleNextPing();
    }

    private void checkPong(long sentAt) {
        if (gone.get()) return;
        // While reads are paused by back-pressure we cannot hear the pong: that is our doing, not the peer's.
        if (lastHeardNanos - sentAt >= 0 || readsPaused()) return;
        evict(ServerOptions.CLOSE_PING_TIMEOUT, "Ping timeout", "ping_timeout");
    }

    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n++;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c)) { n += 4; i++; }
            else n += 3;
        }
        return n;
    }

    @Override public String toString() {
        return "RpcConnection[" + namespace.name() + " " + socketId + "]";
    }
}
