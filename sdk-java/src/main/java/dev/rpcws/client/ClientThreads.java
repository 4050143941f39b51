package dev.rpcws.client;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Threads shared by every client in the JVM; all daemons, so a forgotten client never keeps a JVM alive. */
final class ClientThreads {
    /**
     * Default callback executor: a cached pool, so a listener that blocks on another call (a common pattern)
     * does not starve the replies it waits for.
     */
    static final ExecutorService CALLBACKS = Executors.newCachedThreadPool(daemons("rpcws-client-callback"));

    /** Call timeouts, reconnect delays and heartbeats; its tasks only flip state and hand work to other threads. */
    static final ScheduledExecutorService TIMERS = timers();

    private ClientThreads() {}

    private static ScheduledExecutorService timers() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, daemons("rpcws-client-timer"));
        timers.setRemoveOnCancelPolicy(true); // settled calls cancel their timeouts: do not keep them queued
        return timers;
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
