package dev.rpcws.server.connection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.Incoming;
import dev.rpcws.protocol.Json;
import dev.rpcws.protocol.Peer;
import dev.rpcws.protocol.Wire;
import dev.rpcws.server.events.Notification;
import dev.rpcws.server.events.Subscriber;
import dev.rpcws.server.limits.Limits;
import dev.rpcws.server.limits.OutboundBudget;
import dev.rpcws.server.limits.RateLimitedLog;
import dev.rpcws.server.security.LoginThrottle;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;
import org.eclipse.jetty.websocket.core.exception.CloseException;
import org.eclipse.jetty.websocket.core.exception.WebSocketTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One WebSocket connection: a Jetty <em>core</em> {@link FrameHandler}, and the {@link Peer} the processing
 * rules see (its namespace, socket id, login flag and subscriptions). It hands the rest to its parts:
 * {@link MessageAssembly} turns frames into messages, {@link FrameTasks} runs them on the handler executor,
 * {@link OutboundBudget} bounds the output that waits to be written, {@link Heartbeat} pings the peer, and
 * {@link LoginThrottle} counts failed logins.
 *
 * <p>It keeps nothing of the upgrade request, so an idle connection costs the socket, Jetty's session and
 * these objects. When it closes it leaves its namespace and cancels what it scheduled, so nothing keeps it
 * reachable.
 */
public final class RpcConnection implements FrameHandler, Peer, Subscriber {
    private static final Logger LOG = LoggerFactory.getLogger(RpcConnection.class);
    /** Peers decide how often these happen: rate-limited, one budget per kind for the whole JVM. */
    private static final RateLimitedLog EVICTIONS = new RateLimitedLog(LOG);
    private static final RateLimitedLog CLOSED_BY_ERROR = new RateLimitedLog(LOG);
    /** Read buffer per connection; larger messages still arrive whole. */
    public static final int INPUT_BUFFER_BYTES = 1024;
    private static final AtomicIntegerFieldUpdater<RpcConnection> GONE = AtomicIntegerFieldUpdater.newUpdater(RpcConnection.class, "gone");

    private final ConnectionHost host;
    private final NamespaceView namespace;
    private final String socketId;
    private final String identity;
    private final MessageAssembly messages = new MessageAssembly();
    private final FrameTasks tasks;
    private final OutboundBudget outbound;
    private final Heartbeat heartbeat;
    private final LoginThrottle logins;
    private volatile CoreSession core;
    private volatile DirectOutput direct; // the plain socket under a session with no extension, else null
    private volatile boolean loggedIn;
    private volatile int gone; // 1 once the connection has left its namespace
    private volatile ScheduledFuture<?> abort; // an eviction's, until the close completes

    public RpcConnection(ConnectionHost host, NamespaceView namespace, String socketId, String identity, boolean loggedIn) {
        this.host = host;
        this.namespace = namespace;
        this.socketId = socketId;
        this.identity = identity;
        this.loggedIn = loggedIn;
        Limits limits = host.limits();
        this.tasks = new FrameTasks(this, limits.maxInFlight());
        this.outbound = new OutboundBudget(limits);
        this.heartbeat = new Heartbeat(this);
        this.logins = new LoginThrottle(limits.maxFailedLogins());
    }

    // ---- Peer: what the processing rules see ----

    @Override public String socketId() { return socketId; }
    @Override public String namespace() { return namespace.name(); }
    @Override public boolean loggedIn() { return loggedIn; }
    @Override public String identity() { return identity; }
    @Override public void logIn() { loggedIn = true; }
    @Override public void loginFailed() { logins.failed(); }

    /** The client got "Internal error" and nothing of the exception: the operator gets all of it. */
    @Override public void handlerFailed(String method, Throwable failure) {
        LOG.warn("handler of {} failed for connection {} on {}", method, socketId, namespace.name(), failure);
    }
    @Override public Method method(String name) { return namespace.method(name); }
    @Override public Event event(String name) { return namespace.event(name); }

    @Override public boolean subscribe(String event) {
        return !isGone() && namespace.subscribe(event, this);
    }

    @Override public boolean unsubscribe(String event) {
        return namespace.unsubscribe(event, this);
    }

    // ---- Jetty frame handler ----

    @Override public void onOpen(CoreSession session, Callback callback) {
        core = session;
        if (session instanceof WebSocketCoreSession s && s.getNegotiatedExtensions().isEmpty()
                && s.getConnection().getEndPoint() instanceof DirectOutput d) direct = d;
        namespace.join(this);
        host.opened(session.getNegotiatedExtensions().stream().anyMatch(e -> e.getName().equals("permessage-deflate")));
        heartbeat.start();
        callback.succeeded();
        session.demand();
    }

    /** Never called concurrently for one connection, and only on demand. */
    @Override public void onFrame(Frame frame, Callback callback) {
        heartbeat.heard();
        switch (frame.getOpCode()) {
            case OpCode.TEXT, OpCode.BINARY, OpCode.CONTINUATION -> onDataFrame(frame, callback);
            case OpCode.PING -> core.sendFrame(new Frame(OpCode.PONG, true, frame.getPayload()),
                    Callback.from(() -> controlFrameDone(callback), x -> controlFrameDone(callback)), false);
            case OpCode.PONG -> {
                host.pongReceived();
                controlFrameDone(callback);
            }
            case OpCode.CLOSE -> { // Jetty answers the close frame once the callback completes
                leave();
                callback.succeeded();
            }
            default -> callback.failed(new IllegalStateException("unexpected opcode " + frame.getOpCode()));
        }
    }

    /**
     * A peer that broke the protocol (a message too big, text that is not UTF-8, a bad frame) or sat idle past the
     * idle timeout is logged at INFO, rate-limited; a connection that merely dropped (reset, end of stream) is
     * ordinary and logged at DEBUG.
     */
    @Override public void onError(Throwable cause, Callback callback) {
        if (cause instanceof CloseException || cause instanceof WebSocketTimeoutException) {
            CLOSED_BY_ERROR.info("connection {} on {} closed: {}", socketId, namespace.name(), cause.toString());
        } else {
            LOG.debug("connection {} on {} failed: {}", socketId, namespace.name(), cause.toString());
        }
        leave();
        callback.succeeded();
    }

    @Override public void onClosed(CloseStatus closeStatus, Callback callback) {
        messages.reset();
        leave();
        host.closeCompleted(closeStatus.getCode());
        ScheduledFuture<?> timer = abort;
        if (timer != null) timer.cancel(false); // the close completed: nothing left to abort
        callback.succeeded();
    }

    private void onDataFrame(Frame frame, Callback callback) {
        String message;
        try {
            message = messages.add(frame, core);
        } catch (RuntimeException e) { // Jetty closes with the matching code: 1009 too large, 1007 not UTF-8
            callback.failed(e);
            return;
        }
        callback.succeeded(); // the frame's buffer goes back to Jetty: the message is a String now
        if (message == null) {
            core.demand(); // more fragments to come
        } else {
            host.frameReceived();
            tasks.accept(host.read(message, this));
        }
    }

    private void controlFrameDone(Callback callback) {
        callback.succeeded();
        tasks.controlFrameDone();
    }

    // ---- what the parts use ----

    ConnectionHost host() { return host; }
    CoreSession session() { return core; }
    boolean isGone() { return gone != 0; }
    boolean readsPaused() { return tasks.readsPaused(); }

    /** Asks Jetty for the next frame. */
    void demand() {
        core.demand();
    }

    /**
     * Processes one message. A reply ready at once (every synchronous handler) is batched and the method
     * returns true; a later one (an asynchronous handler) is written on its own when it comes.
     */
    boolean process(Incoming message) {
        try {
            CompletableFuture<JsonNode> reply = host.process(message, this);
            if (reply.isDone() && !reply.isCompletedExceptionally()) return answered(reply.join(), true);
            reply.whenComplete((r, failure) -> {
                if (failure == null) answered(r, false);
                else {
                    LOG.error("unexpected failure processing a frame of {}", socketId, failure);
                    tasks.done();
                }
            });
        } catch (RuntimeException e) {
            LOG.error("unexpected failure processing a frame of {}", socketId, e);
            tasks.done();
        }
        return false;
    }

    /** A frame task ended: its replies are out (or queued before a close). */
    void taskEnded() {
        closeAfterTooManyFailedLogins();
    }

    /** Sends a reply, if there is one, and counts its message as answered; true if it went into the batch. */
    private boolean answered(JsonNode reply, boolean batch) {
        try {
            if (reply == null) return false;
            host.replied(reply);
            boolean batched = send(Json.writeBytes(reply), batch) && batch;
            if (!batch) closeAfterTooManyFailedLogins();
            return batched;
        } finally {
            tasks.done();
        }
    }

    /** After the reply to the last allowed failed login has gone out (or been queued before the close). */
    private void closeAfterTooManyFailedLogins() {
        if (logins.exhausted()) evict(Wire.CLOSE_POLICY_VIOLATION, "Too many failed logins", "failed_logins");
    }

    // ---- frames out ----

    /**
     * Sends an event's notification, encoded once for all its subscribers. While nothing of this connection's waits
     * in Jetty's frame path, the whole frame is written to the socket directly if its output is free (decision 0016);
     * otherwise it queues behind the rest, so a connection's frames keep their order.
     */
    @Override public boolean sendEvent(Notification notification) {
        CoreSession c = core;
        Callback written = charge(c, notification.length());
        if (written == null) return false;
        DirectOutput d = direct;
        if (d == null || !outbound.onlyFrameQueued(notification.length()) || !d.writeNow(notification.frame(), c, written)) {
            c.sendFrame(new Frame(OpCode.TEXT, true, notification.payload()), written, false);
        }
        return true;
    }

    /**
     * Queues a text frame (UTF-8 bytes); with {@code batch} it waits for the next {@link #flush()}. Nothing here
     * ever blocks.
     */
    private boolean send(byte[] frame, boolean batch) {
        CoreSession c = core;
        Callback written = charge(c, frame.length);
        if (written == null) return false;
        c.sendFrame(new Frame(OpCode.TEXT, true, ByteBuffer.wrap(frame)), written, batch);
        return true;
    }

    /**
     * Charges a frame to the outbound budget: the callback that gives it back once written; null if the connection
     * is not open or gone, or after cutting off a peer whose unsent output would pass the bound (the slow-consumer
     * policy).
     */
    private Callback charge(CoreSession c, int bytes) {
        if (c == null || isGone()) return null;
        Callback written = outbound.charge(bytes);
        if (written == null) {
            evict(Wire.CLOSE_POLICY_VIOLATION, "Slow consumer: more than " + outbound.max() + " bytes queued", "slow_consumer");
        }
        return written;
    }

    /** Writes the batched frames. */
    void flush() {
        CoreSession c = core;
        if (c != null) c.flush(Callback.NOOP);
    }

    /**
     * Closes with a code and reason, drops subscriptions at once, and aborts the socket if the close handshake
     * has not completed within {@link Wire#CLOSE_GRACE}.
     */
    void evict(int code, String reason, String metricReason) {
        CoreSession c = core;
        if (c == null || isGone()) return;
        host.evicted(metricReason);
        EVICTIONS.info("evicting {} on {}: {}", socketId, namespace.name(), reason);
        leave();
        c.close(code, reason, Callback.NOOP);
        ScheduledFuture<?> timer = host.scheduler().schedule(c::abort, Wire.CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        abort = timer;
        if (!c.isInputOpen() && !c.isOutputOpen()) timer.cancel(false); // the close completed meanwhile
    }

    /** Closes normally (server shutdown, namespace closed); completes once the close frame is written. */
    public CompletableFuture<Void> close(int code, String reason) {
        CoreSession c = core;
        leave();
        CompletableFuture<Void> sent = new CompletableFuture<>();
        if (c != null && c.isOutputOpen()) c.close(code, reason, Callback.from(() -> sent.complete(null), sent::completeExceptionally));
        else sent.complete(null);
        return sent;
    }

    /** Leaves the namespace (dropping every subscription) and cancels the timers; once. */
    private void leave() {
        if (!GONE.compareAndSet(this, 0, 1)) return;
        heartbeat.stop();
        tasks.stop();
        namespace.leave(this);
        host.closed();
    }

    @Override public String toString() {
        return "RpcConnection[" + namespace.name() + " " + socketId + "]";
    }
}
