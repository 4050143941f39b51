package dev.rpcws.server;

import java.util.ArrayDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The server's one thread pool, for Jetty's I/O and the method handlers alike (decision 0005). It keeps the
 * threads Jetty holds for good (acceptors, selectors) plus one per core, and queues the rest of the work: a busy
 * server then runs about one thread per core. A pool that hands every task to the next of dozens of threads
 * spends more CPU per call and, on a shared machine, takes the CPU from everything else.
 *
 * <p>Handlers may block. When tasks wait and none has finished for {@link #CHECK_MILLIS} ms, every thread is
 * stuck, and the pool adds one; once nothing waits, it gives one back per check, down to its floor.
 *
 * <p>{@link #executeAfterCurrent} hands a task to the thread that asks, to run once its current task returns: a
 * connection's read passes its messages on to their frame task that way without waking another thread.
 */
final class ElasticPool extends ThreadPoolExecutor {
    /** How often the pool looks for stuck threads while tasks wait, and gives threads back after. */
    static final long CHECK_MILLIS = 20;

    private final ScheduledExecutorService scheduler;
    private final int ceiling;
    private volatile int floor;
    private final AtomicBoolean watching = new AtomicBoolean();
    private long completedAtLastCheck; // written by each check; reset by watch() before the first of a series
    /** Per thread of this pool: the tasks it runs once its current one returns. */
    private final ThreadLocal<ArrayDeque<Runnable>> afterCurrent = new ThreadLocal<>();

    /** {@code floor} threads while work moves, up to {@code ceiling} while it is stuck. */
    ElasticPool(int floor, int ceiling, ScheduledExecutorService scheduler) {
        super(floor, floor, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        if (floor < 1 || ceiling < floor) throw new IllegalArgumentException("floor " + floor + ", ceiling " + ceiling);
        this.ceiling = ceiling;
        this.floor = floor;
        this.scheduler = scheduler;
    }

    /** Sets the number of threads kept while work moves (before the server starts: Jetty's own plus one per core). */
    void floor(int threads) {
        if (threads < 1 || threads > ceiling) throw new IllegalArgumentException("floor " + threads + ", ceiling " + ceiling);
        floor = threads;
        resize(threads);
    }

    @Override public void execute(Runnable task) {
        super.execute(task);
        if (!getQueue().isEmpty()) watch();
    }

    /**
     * Runs {@code task} on the calling thread as soon as its current task returns, when that thread is one of this
     * pool's; from any other thread it is queued as by {@link #execute}. Queuing would wake a parked thread while
     * the caller goes to park: a hand-off for nothing when the caller is about to be free.
     */
    void executeAfterCurrent(Runnable task) {
        ArrayDeque<Runnable> next = afterCurrent.get();
        if (next == null) execute(task);
        else next.add(task);
    }

    /**
     * Runs {@code task} as {@link #executeAfterCurrent} does, except on a selector thread, where it is queued: a
     * task that may block must never hold a selector.
     */
    void executeOffSelector(Runnable task) {
        if (afterCurrent.get() instanceof AfterRead) execute(task);
        else executeAfterCurrent(task);
    }

    /**
     * Runs a read on the selector thread, whose task never returns (decision 0013). What the read hands on with
     * {@link #executeAfterCurrent} runs on this thread right after it.
     */
    void runRead(Runnable read) {
        ArrayDeque<Runnable> mine = afterCurrent.get();
        // Once per selector thread: marks it, for executeOffSelector. Jetty never moves the selecting role to another
        // thread here (it would need a reserved thread, and the pool has none), so the mark stays true.
        if (!(mine instanceof AfterRead)) afterCurrent.set(mine = new AfterRead());
        try {
            read.run();
        } finally {
            runAll(mine);
        }
    }

    /** The tasks a selector thread runs after its current read. */
    private static final class AfterRead extends ArrayDeque<Runnable> {
        AfterRead() {
            super(4);
        }
    }

    @Override protected void beforeExecute(Thread thread, Runnable task) {
        if (afterCurrent.get() == null) afterCurrent.set(new ArrayDeque<>(4));
    }

    /** A task that fails does not keep the ones after it from running: its failure goes where a task's would. */
    @Override protected void afterExecute(Runnable task, Throwable failure) {
        runAll(afterCurrent.get());
    }

    private static void runAll(ArrayDeque<Runnable> next) {
        Runnable r;
        while ((r = next.poll()) != null) {
            try {
                r.run();
            } catch (Throwable t) {
                Thread self = Thread.currentThread();
                self.getUncaughtExceptionHandler().uncaughtException(self, t);
            }
        }
    }

    private void watch() {
        if (!watching.compareAndSet(false, true)) return;
        completedAtLastCheck = -1; // the first check only takes a reading
        scheduleCheck();
    }

    private void scheduleCheck() {
        if (isShutdown() || scheduler.isShutdown()) {
            watching.set(false);
            return;
        }
        try {
            scheduler.schedule(this::check, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            watching.set(false);
        }
    }

    /** One look: runs every {@link #CHECK_MILLIS} ms while tasks wait or the pool is above its floor. */
    void check() {
        long completed = getCompletedTaskCount();
        boolean waiting = !getQueue().isEmpty();
        int size = getMaximumPoolSize();
        // Threads still stuck after a shrink count too: one more than are alive, or the new one would not start.
        int alive = Math.max(size, getPoolSize());
        if (waiting && completed == completedAtLastCheck && alive < ceiling) resize(alive + 1);
        else if (!waiting && size > floor) resize(size - 1);
        completedAtLastCheck = completed;
        if (waiting || getMaximumPoolSize() > floor) {
            scheduleCheck();
            return;
        }
        watching.set(false);
        if (!getQueue().isEmpty()) watch(); // a task queued while this check was ending
    }

    /** Core and maximum move together (the maximum first when growing, the core first when shrinking). */
    private synchronized void resize(int threads) {
        if (threads > getMaximumPoolSize()) {
            setMaximumPoolSize(threads);
            setCorePoolSize(threads); // starts a thread for a waiting task
        } else {
            setCorePoolSize(threads);
            setMaximumPoolSize(threads); // threads above it end when next idle
        }
    }
}
