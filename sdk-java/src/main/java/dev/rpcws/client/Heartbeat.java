package dev.rpcws.client;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The client's liveness check of one connection (docs/client-behaviour.md, "Heartbeat"): a ping every
 * interval; when nothing at all (a pong or any other frame) is heard within the timeout after a ping, the
 * peer is dead. Answering the server's pings is the link's job, not this one's.
 */
final class Heartbeat {
    private final ScheduledExecutorService timers;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile ScheduledFuture<?> pings;
    private volatile ScheduledFuture<?> check;
    private volatile boolean stopped;

    Heartbeat(ScheduledExecutorService timers) {
        this.timers = timers;
    }

    /** Something arrived from the peer: it is alive. */
    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /**
     * Calls {@code ping} every {@code interval}, and {@code dead} with the reason when nothing is heard within
     * {@code timeout} of a ping. A zero interval turns the heartbeat off.
     */
    void start(Duration interval, Duration timeout, Runnable ping, Consumer<String> dead) {
        if (interval.isZero() || interval.isNegative()) return;
        pings = timers.scheduleAtFixedRate(() -> {
            if (stopped) return;
            long sentAt = System.nanoTime();
            ping.run();
            check = timers.schedule(() -> {
                if (lastHeardNanos - sentAt < 0) dead.accept("no pong within " + timeout.toMillis() + " ms");
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        if (stopped) stop(); // stopped while starting: cancel what was just scheduled
    }

    /** Cancels the pings and the pending check, so a closed connection is not kept reachable by its timers. */
    void stop() {
        stopped = true;
        ScheduledFuture<?> p = pings;
        if (p != null) p.cancel(false);
        ScheduledFuture<?> c = check;
        if (c != null) c.cancel(false);
    }
}
