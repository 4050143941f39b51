package dev.rpcws.server.connection;

import dev.rpcws.protocol.Wire;
import dev.rpcws.server.limits.Limits;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

import java.util.concurrent.TimeUnit;

/**
 * A connection's heartbeat: a ping every interval, and a peer that sends nothing at all (no pong, no message)
 * within the pong timeout after a ping is evicted with 1001 "Ping timeout". While reads are paused by
 * back-pressure the check is skipped: the silence is ours. Pings from the peer are answered by the connection.
 */
final class Heartbeat implements Runnable {
    private final RpcConnection connection;
    private volatile long lastHeardNanos = System.nanoTime();

    Heartbeat(RpcConnection connection) {
        this.connection = connection;
    }

    /** Starts pinging, unless the interval is zero. */
    void start() {
        if (limits().pingInterval().toMillis() > 0) scheduleNextPing();
    }

    /** Anything came in from the peer. */
    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    private void scheduleNextPing() {
        connection.host().scheduler().schedule(this, limits().pingInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One ping; the next is scheduled after it. */
    @Override public void run() {
        CoreSession c = connection.session();
        if (connection.isGone() || c == null || !c.isOutputOpen()) return;
        long sentAt = System.nanoTime();
        c.sendFrame(new Frame(OpCode.PING, true, Wire.pingPayload()), Callback.NOOP, false);
        connection.host().pingSent();
        connection.host().scheduler().schedule(() -> checkPong(sentAt), limits().pongTimeout().toMillis(), TimeUnit.MILLISECONDS);
        scheduleNextPing();
    }

    private Limits limits() {
        return connection.host().limits();
    }

    private void checkPong(long sentAt) {
        if (connection.isGone()) return;
        // While reads are paused by back-pressure we cannot hear the pong: that is our doing, not the peer's.
        if (lastHeardNanos - sentAt >= 0 || connection.readsPaused()) return;
        connection.evict(Wire.CLOSE_GOING_AWAY, "Ping timeout", "ping_timeout");
    }
}
