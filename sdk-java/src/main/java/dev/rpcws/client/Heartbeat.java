package dev.rpcws.client;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The client's liveness check of one connection (docs/client-behaviour.md, "Heartbeat"): a ping every
 * interval; when nothing at all (a pong or any other frame) is heard within the timeout after a ping, the
 * peer is dead. Answering the server's pings is the link's job, not this one's.
 */
final class Heartbeat {
    private final ScheduledExecutorService timers;
    /** The checks of pings not yet due (several when the timeout is longer than the interval). */
    private final Set<ScheduledFuture<?>> checks = ConcurrentHashMap.newKeySet();
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile ScheduledFuture<?> pings;
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
            AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
            ScheduledFuture<?> check = timers.schedule(() -> {
                checks.remove(self.get());
                if (lastHeardNanos - sentAt < 0) dead.accept("no pong within " + timeout.toMillis() + " ms");
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            self.set(check);
            checks.add(check);
            if (stopped || check.isDone()) { // stop() ran meanwhile and missed it, or it ran before it was added
                check.cancel(false);
                checks.remove(check);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        if (stopped) stop(); // stopped while starting: cancel what was just scheduled
    }

    /** Cancels the pings and the pending checks, so a closed connection is not kept reachable by its timers. */
    void stop() {
        stopped = true;
        ScheduledFuture<?> p = pings;
        if (p != null) p.cancel(false);
        for (ScheduledFuture<?> c : checks) c.cancel(false);
        checks.clear();
    }
}
