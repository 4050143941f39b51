package dev.rpcws.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.Json;
import dev.rpcws.protocol.Peer;
import dev.rpcws.protocol.Utf8;
import dev.rpcws.protocol.Wire;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.eclipse.jetty.websocket.core.exception.MessageTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket connection: its namespace, socket id, login flag and subscriptions.
 *
 * <p>Frames are processed on the server's handler executor by a <em>frame task</em>: the frames that arrive
 * while it runs wait for it and are processed one after another, so a burst of frames costs one thread
 * hand-off, and the replies of the burst are written together when it ends. A handler that blocks or runs
 * long does not hold the connection: when a task has not moved on for {@link #STALL_MILLIS} ms while frames wait, a
 * stall check starts another task for them (frames of one connection may run concurrently, as in the
 * reference) and writes out the replies the stuck task had batched. Reads pause while {@code maxInFlight}
 * frames are unanswered (TCP back-pressure instead of an unbounded queue); replies and events go through a
 * bounded outbound budget.
 *
 * <p>It is a Jetty <em>core</em> {@link FrameHandler}: it assembles messages itself and keeps nothing of the
 * upgrade request, so an idle connection costs the socket, Jetty's session and this object.
 */
final class RpcConnection implements FrameHandler, Peer {
    private static final Logger LOG = LoggerFactory.getLogger(RpcConnection.class);
    /** How long a frame task may stay on one frame while others wait before they get a task of their own. */
    static final long STALL_MILLIS = 20;
    /** Replies a frame task batches at most before it writes them. */
    static final int MAX_BATCHED = 32;
    /** Read buffer per connection; larger messages still arrive whole. */
    static final int INPUT_BUFFER_BYTES = 1024;

    private final RpcServer server;
    private final Namespace namespace;
    private final String socketId;
    private final String identity;
    private final ServerOptions options;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean gone = new AtomicBoolean();
    private volatile CoreSession core;
    private volatile boolean loggedIn;
    private final AtomicInteger failedLogins = new AtomicInteger();
    private volatile long lastHeardNanos = System.nanoTime();
    private int inFlight;         // guarded by this: frames received and not yet answered
    private boolean readsPaused;  // guarded by this
    private final ArrayDeque<String> waiting = new ArrayDeque<>(4); // guarded by this: frames no task has taken yet
    private int tasks;            // guarded by this: frame tasks running
    private long taken;           // guarded by this: frames taken by tasks so far (progress, for the stall check)
    private boolean watched;      // guarded by this: a stall check is scheduled
    private ByteArrayOutputStream fragments; // a fragmented message so far; only Jetty's reading thread touches it
    private byte fragmentedType;             // its opcode (TEXT or BINARY)

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

    /** The client got "Internal error" and nothing of the exception: the operator gets all of it. */
    @Override public void handlerFailed(String method, Throwable failure) {
        LOG.warn("handler of {} failed for connection {} on {}", method, socketId, namespace.name(), failure);
    }
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

    // ---- Jetty frame handler ----

    @Override public void onOpen(CoreSession session, Callback callback) {
        core = session;
        namespace.attach(this);
        server.metrics().connectionOpened();
        if (options.pingInterval().toMillis() > 0) scheduleNextPing();
        callback.succeeded();
        session.demand();
    }

    /** Never called concurrently for one connection, and only on demand. */
    @Override public void onFrame(Frame frame, Callback callback) {
        heard();
        switch (frame.getOpCode()) {
            case OpCode.TEXT, OpCode.BINARY, OpCode.CONTINUATION -> onDataFrame(frame, callback);
            case OpCode.PING -> core.sendFrame(new Frame(OpCode.PONG, true, frame.getPayload()),
                    Callback.from(() -> controlFrameDone(callback), x -> controlFrameDone(callback)), false);
            case OpCode.PONG -> {
                server.metrics().pongReceived();
                controlFrameDone(callback);
            }
            case OpCode.CLOSE -> { // Jetty answers the close frame once the callback completes
                leave();
                callback.succeeded();
            }
            default -> callback.failed(new IllegalStateException("unexpected opcode " + frame.getOpCode()));
        }
    }

    @Override public void onError(Throwable cause, Callback callback) {
        LOG.debug("connection {} error: {}", socketId, cause.toString());
        leave();
        callback.succeeded();
    }

    @Override public void onClosed(CloseStatus closeStatus, Callback callback) {
        fragments = null;
        leave();
        callback.succeeded();
    }

    private void onDataFrame(Frame frame, Callback callback) {
        String message;
        try {
            message = assemble(frame);
        } catch (RuntimeException e) { // Jetty closes with the matching code: 1009 too large, 1007 not UTF-8
            fragments = null;
            callback.failed(e);
            return;
        }
        callback.succeeded(); // the frame's buffer goes back to Jetty: the message is a String now
        if (message == null) core.demand(); // more fragments to come
        else accept(message);
    }

    /**
     * The whole message once its last frame is in, else null. Text must be valid UTF-8, as {@code ws} demands;
     * binary messages are decoded as UTF-8 JSON, invalid sequences replaced as Node replaces them, and answered in
     * text, as the reference does.
     */
    private String assemble(Frame frame) {
        byte type = frame.getOpCode() == OpCode.CONTINUATION ? fragmentedType : frame.getOpCode();
        int sofar = fragments == null ? 0 : fragments.size();
        long limit = type == OpCode.TEXT ? core.getMaxTextMessageSize() : core.getMaxBinaryMessageSize();
        if (limit > 0 && (long) sofar + frame.getPayloadLength() > limit) {
            throw new MessageTooLargeException("Message larger than " + limit + " bytes");
        }
        byte[] bytes = new byte[frame.getPayloadLength()];
        if (frame.hasPayload()) frame.getPayload().slice().get(bytes);
        if (!frame.isFin() || fragments != null) {
            if (fragments == null) {
                fragments = new ByteArrayOutputStream(Math.max(INPUT_BUFFER_BYTES, bytes.length * 2));
                fragmentedType = type;
            }
            fragments.writeBytes(bytes);
            if (!frame.isFin()) return null;
            bytes = fragments.toByteArray();
            fragments = null;
        }
        return type == OpCode.TEXT ? strictUtf8(bytes) : Utf8.decodeReplacing(bytes);
    }

    /** Decodes UTF-8, refusing malformed input; ASCII, what JSON mostly is, skips the decoder. */
    static String strictUtf8(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                try {
                    return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
                } catch (CharacterCodingException e) {
                    throw new BadPayloadException.InvalidUtf8();
                }
            }
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private void controlFrameDone(Callback callback) {
        callback.succeeded();
        demandAfterControlFrame();
    }

    // ---- frames in ----

    private void accept(String text) {
        server.metrics().frameReceived();
        boolean demand;
        boolean start;
        boolean watch = false;
        long seen;
        synchronized (this) {
            inFlight++;
            demand = inFlight < options.maxInFlight();
            readsPaused = !demand;
            waiting.add(text);
            start = tasks == 0;
            if (start) tasks++;
            else if (!watched) watch = watched = true; // it waits behind a running task
            seen = taken;
        }
        if (demand) core.demand();
        if (watch) scheduleStallCheck(seen);
        if (start) startTask();
    }

    private void startTask() {
        try {
            server.handlerExecutor().execute(this::runFrames);
        } catch (RuntimeException rejected) {
            LOG.warn("handler executor refused the frames of {}: {}", socketId, rejected.toString());
            int dropped;
            synchronized (this) {
                tasks--;
                dropped = tasks == 0 ? waiting.size() : 0;
                if (dropped > 0) waiting.clear();
            }
            for (int i = 0; i < dropped; i++) frameDone();
        }
    }

    /**
     * A frame task: processes waiting frames until there are none, then writes the replies it batched (and
     * every {@link #MAX_BATCHED} replies on the way, so that a long stream of frames does not hold them back).
     */
    private void runFrames() {
        int batched = 0;
        String text;
        while ((text = next()) != null) {
            if (process(text) && ++batched == MAX_BATCHED) {
                flush();
                batched = 0;
            }
        }
        if (batched > 0) flush();
        closeAfterTooManyFailedLogins();
    }

    /** The next waiting frame, or null (and the task ends) when there is none. */
    private synchronized String next() {
        String text = waiting.poll();
        if (text == null) tasks--;
        else taken++;
        return text;
    }

    /**
     * Processes one frame. A reply ready at once (every synchronous handler) is batched and the method
     * returns true; a later one (an asynchronous handler) is written on its own when it comes.
     */
    private boolean process(String text) {
        try {
            CompletableFuture<JsonNode> reply = server.processor().process(text, this);
            if (reply.isDone() && !reply.isCompletedExceptionally()) return answered(reply.join(), true);
            reply.whenComplete((r, failure) -> {
                if (failure == null) answered(r, false);
                else {
                    LOG.error("unexpected failure processing a frame of {}", socketId, failure);
                    frameDone();
                }
            });
        } catch (RuntimeException e) {
            LOG.error("unexpected failure processing a frame of {}", socketId, e);
            frameDone();
        }
        return false;
    }

    /** Sends a reply, if there is one, and counts its frame as answered; true if it went into the batch. */
    private boolean answered(JsonNode reply, boolean batch) {
        try {
            if (reply == null) return false;
            server.metrics().replied(reply);
            boolean batched = send(Json.writeBytes(reply), batch) && batch;
            if (!batch) closeAfterTooManyFailedLogins();
            return batched;
        } finally {
            frameDone();
        }
    }

    /** After the reply to the last allowed failed login has gone out (or been queued before the close). */
    private void closeAfterTooManyFailedLogins() {
        int maxFailed = options.maxFailedLogins();
        if (maxFailed > 0 && failedLogins.get() >= maxFailed) {
            evict(ServerOptions.CLOSE_FAILED_LOGINS, "Too many failed logins", "failed_logins");
        }
    }

    private void scheduleStallCheck(long seen) {
        server.scheduler().schedule(() -> checkStall(seen), STALL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs every {@link #STALL_MILLIS} while frame tasks run and frames came in meanwhile. If no task took a
     * frame since the last check, the running ones are stuck in a handler: their batched replies are written,
     * and frames still waiting get a new task.
     */
    private void checkStall(long seen) {
        boolean stuck;
        boolean rescue = false;
        long now;
        synchronized (this) {
            if (tasks == 0) {
                watched = false;
                return;
            }
            now = taken;
            stuck = now == seen;
            if (stuck && !waiting.isEmpty()) {
                tasks++;
                rescue = true;
            }
        }
        if (stuck) flush();
        if (rescue) startTask();
        scheduleStallCheck(now);
    }

    /** A frame is answered (or needs no answer): resume reads that back-pressure paused. */
    private void frameDone() {
        boolean demand;
        synchronized (this) {
            inFlight--;
            demand = readsPaused && inFlight < options.maxInFlight();
            if (demand) readsPaused = false;
        }
        if (demand && !gone.get()) core.demand();
    }

    /** Control frames are delivered on demand too; ask for the next frame unless reads are paused. */
    private void demandAfterControlFrame() {
        boolean demand;
        synchronized (this) {
            demand = !readsPaused;
        }
        if (demand && !gone.get()) core.demand();
    }

    private synchronized boolean readsPaused() {
        return readsPaused;
    }

    private void heard() {
        lastHeardNanos = System.nanoTime();
    }

    // ---- frames out ----

    /** Sends an event's text frame, encoded once for all its subscribers (UTF-8 JSON, never modified). */
    boolean sendEvent(byte[] frame) {
        if (!send(frame, false)) return false;
        server.metrics().eventDelivered();
        return true;
    }

    /**
     * Queues a text frame (UTF-8 bytes); with {@code batch} it waits for the next {@link #flush()}. A peer
     * whose unsent output passes the bound is cut off (slow-consumer policy); nothing here ever blocks.
     */
    private boolean send(byte[] frame, boolean batch) {
        CoreSession c = core;
        if (c == null || gone.get()) return false;
        long size = frame.length;
        if (queuedBytes.addAndGet(size) > options.maxQueuedBytes()) {
            queuedBytes.addAndGet(-size);
            evict(ServerOptions.CLOSE_SLOW_CONSUMER, "Slow consumer: more than " + options.maxQueuedBytes() + " bytes queued", "slow_consumer");
            return false;
        }
        c.sendFrame(new Frame(OpCode.TEXT, true, ByteBuffer.wrap(frame)), new Release(size), batch);
        return true;
    }

    /** Writes the batched frames. */
    private void flush() {
        CoreSession c = core;
        if (c != null) c.flush(Callback.NOOP);
    }

    /** Gives a frame's bytes back to the outbound budget once Jetty has written it (or failed to). */
    private final class Release implements Callback {
        private final long size;

        Release(long size) {
            this.size = size;
        }

        @Override public void succeeded() {
            queuedBytes.addAndGet(-size);
        }

        @Override public void failed(Throwable x) {
            queuedBytes.addAndGet(-size);
        }
    }

    /** Closes with a code and reason, drops subscriptions at once, and aborts the socket if the close handshake stalls. */
    void evict(int code, String reason, String metricReason) {
        CoreSession c = core;
        if (c == null || gone.get()) return;
        server.metrics().evicted(metricReason);
        LOG.info("evicting {} on {}: {}", socketId, namespace.name(), reason);
        leave();
        c.close(code, reason, Callback.NOOP);
        server.scheduler().schedule(c::abort, Wire.CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes normally (server shutdown, namespace closed); completes once the close frame is written. */
    CompletableFuture<Void> close(int code, String reason) {
        CoreSession c = core;
        leave();
        CompletableFuture<Void> sent = new CompletableFuture<>();
        if (c != null && c.isOutputOpen()) c.close(code, reason, Callback.from(() -> sent.complete(null), sent::completeExceptionally));
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
        CoreSession c = core;
        if (gone.get() || c == null || !c.isOutputOpen()) return;
        long sentAt = System.nanoTime();
        c.sendFrame(new Frame(OpCode.PING, true, Wire.pingPayload()), Callback.NOOP, false);
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

    @Override public String toString() {
        return "RpcConnection[" + namespace.name() + " " + socketId + "]";
    }
}
