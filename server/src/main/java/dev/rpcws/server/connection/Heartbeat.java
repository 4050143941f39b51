package dev.rpcws.server.connection;

import dev.rpcws.protocol.Wire;
import dev.rpcws.server.limits.Limits;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A connection's heartbeat: a ping every interval, and a peer that sends nothing at all (no pong, no message)
 * within the pong timeout after a ping is evicted with 1001 "Ping timeout". While reads are paused by
 * back-pressure the check is skipped: the silence is ours. Pings from the peer are answered by the connection.
 *
 * <p>Everything it schedules is cancelled when the connection closes ({@link #stop()}): a closed connection is
 * not kept reachable by its timers.
 */
final class Heartbeat implements Runnable {
    private final RpcConnection connection;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile ScheduledFuture<?> pings;
    private volatile PongCheck pongCheck; // the latest ping's

    Heartbeat(RpcConnection connection) {
        this.connection = connection;
    }

    /** Starts pinging, unless the interval is zero. */
    void start() {
        long interval = limits().pingInterval().toMillis();
        if (interval <= 0) return;
        pings = connection.host().scheduler().scheduleWithFixedDelay(this, interval, interval, TimeUnit.MILLISECONDS);
        if (connection.isGone()) stop(); // closed while starting
    }

    /** Anything came in from the peer. */
    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /** Cancels the pings and every pending pong check. */
    void stop() {
        ScheduledFuture<?> p = pings;
        if (p != null) p.cancel(false);
        PongCheck c = pongCheck;
        if (c != null) c.cancel();
    }

    /** One ping. */
    @Override public void run() {
        CoreSession c = connection.session();
        if (connection.isGone() || c == null || !c.isOutputOpen()) return;
        long sentAt = System.nanoTime();
        c.sendFrame(new Frame(OpCode.PING, true, Wire.pingPayload()), Callback.NOOP, false);
        connection.host().pingSent();
        PongCheck check = new PongCheck(sentAt, pongCheck);
        pongCheck = check;
        check.future = connection.host().scheduler().schedule(check, limits().pongTimeout().toMillis(), TimeUnit.MILLISECONDS);
        if (connection.isGone()) stop(); // closed while this ping went out
    }

    private Limits limits() {
        return connection.host().limits();
    }

    /**
     * The check of one ping. With a pong timeout longer than the interval, checks of earlier pings may still be
     * pending when a ping goes out: each check keeps those, so that {@link #stop()} reaches them all. They end
     * oldest first, so the chain is cut at the first one that has ended.
     */
    private final class PongCheck implements Runnable {
        private final long sentAt;
        private volatile PongCheck earlier;
        private volatile ScheduledFuture<?> future;

        PongCheck(long sentAt, PongCheck previous) {
            this.sentAt = sentAt;
            this.earlier = previous;
            for (PongCheck c = this; c.earlier != null; c = c.earlier) {
                if (!c.earlier.pending()) {
                    c.earlier = null;
                    break;
                }
            }
        }

        @Override public void run() {
            if (connection.isGone()) return;
            // While reads are paused by back-pressure we cannot hear the pong: that is our doing, not the peer's.
            if (lastHeardNanos - sentAt >= 0 || connection.readsPaused()) return;
            connection.evict(Wire.CLOSE_GOING_AWAY, "Ping timeout", "ping_timeout");
        }

        private boolean pending() {
            ScheduledFuture<?> f = future;
            return f == null || !f.isDone();
        }

        void cancel() {
            for (PongCheck c = this; c != null; c = c.earlier) {
                ScheduledFuture<?> f = c.future;
                if (f != null) f.cancel(false);
            }
        }
    }
}
