package dev.rpcws.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time, in submission order, on an underlying executor: listeners of one client see
 * events in the order they happened without holding a thread of their own. A task that throws is logged
 * and does not stop the lane.
 */
final class SerialLane implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialLane.class);
    /** Tasks run per turn before the lane yields its thread to other work on the executor. */
    private static final int BATCH = 64;

    private final Executor executor;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    SerialLane(Executor executor) {
        this.executor = executor;
    }

    @Override public void execute(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void schedule() {
        if (!scheduled.compareAndSet(false, true)) return;
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // An application executor that was shut down: drop the callbacks rather than fail the caller,
            // which may be a Jetty thread in the middle of a state change.
            scheduled.set(false);
            tasks.clear();
            LOG.warn("the client's executor refused its callbacks; they were dropped: {}", e.toString());
        }
    }

    private void drain() {
        try {
            Runnable task;
            for (int i = 0; i < BATCH && (task = tasks.poll()) != null; i++) {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    LOG.warn("a client listener threw", e);
                }
            }
        } finally {
            scheduled.set(false);
            // A task added after the last poll but before the flag was cleared would otherwise wait forever.
            if (!tasks.isEmpty()) schedule();
        }
    }
}
