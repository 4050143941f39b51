package dev.rpcws.server.connection;

import dev.rpcws.protocol.Incoming;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a connection's messages (decision 0003). A <em>frame task</em> processes the messages that arrive while it
 * runs one after another, so a burst costs at most one thread hand-off, and writes the replies of the burst
 * together when it ends (or every {@link #MAX_BATCHED}). Where a task runs depends on its next message (decision
 * 0014): one whose handlers cannot block runs on the thread that read it, right after the read; one that may
 * block runs on the handler executor, and a task on the reading thread that comes to such a message hands the
 * rest over to it. Messages are taken in arrival order either way, so a connection's replies keep their order.
 * A handler that blocks or runs long does not hold the connection: when a task has not moved on for
 * {@link #STALL_MILLIS} ms while messages wait, a stall check starts another task for them (messages of one
 * connection may run concurrently, as in the reference) and writes out the replies the stuck task had batched.
 * Reads pause while {@code maxInFlight} messages are unanswered: TCP back-pressure instead of an unbounded queue.
 */
final class FrameTasks {
    private static final Logger LOG = LoggerFactory.getLogger(FrameTasks.class);
    /** How long a frame task may stay on one message while others wait before they get a task of their own. */
    static final long STALL_MILLIS = 20;
    /** Replies a frame task batches at most before it writes them. */
    static final int MAX_BATCHED = 32;

    private final RpcConnection connection;
    private final int maxInFlight;
    /** The two kinds of task, made once so that starting one allocates nothing. */
    private final Runnable readingThreadTask = () -> run(false);
    private final Runnable handlerTask = () -> run(true);
    private final ArrayDeque<Incoming> waiting = new ArrayDeque<>(4); // guarded by this: messages no task has taken yet
    private int inFlight;         // guarded by this: messages received and not yet answered
    private boolean readsPaused;  // guarded by this
    private int tasks;            // guarded by this: frame tasks running
    private long taken;           // guarded by this: messages taken by tasks so far (progress, for the stall check)
    private ScheduledFuture<?> stallCheck; // guarded by this: the next stall check while one is scheduled

    FrameTasks(RpcConnection connection, int maxInFlight) {
        this.connection = connection;
        this.maxInFlight = maxInFlight;
    }

    /** A whole message arrived: it waits for the running task, or starts one. */
    void accept(Incoming message) {
        boolean demand;
        boolean start;
        boolean watch = false;
        long seen;
        synchronized (this) {
            inFlight++;
            demand = inFlight < maxInFlight;
            readsPaused = !demand;
            waiting.add(message);
            start = tasks == 0;
            if (start) tasks++;
            else if (stallCheck == null) watch = true; // it waits behind a running task
            seen = taken;
            if (watch) scheduleStallCheck(seen);
        }
        if (demand) connection.demand();
        if (start) startTask(message.mayBlock());
    }

    /** A message is answered (or needs no answer): resume reads that back-pressure paused. */
    void done() {
        boolean demand;
        synchronized (this) {
            inFlight--;
            demand = readsPaused && inFlight < maxInFlight;
            if (demand) readsPaused = false;
        }
        if (demand && !connection.isGone()) connection.demand();
    }

    /** Control frames are delivered on demand too; ask for the next frame unless reads are paused. */
    void controlFrameDone() {
        boolean demand;
        synchronized (this) {
            demand = !readsPaused;
        }
        if (demand && !connection.isGone()) connection.demand();
    }

    synchronized boolean readsPaused() {
        return readsPaused;
    }

    /** The connection is closed: a pending stall check goes, unless a task still runs (it then ends with the tasks). */
    synchronized void stop() {
        if (tasks == 0 && stallCheck != null) {
            stallCheck.cancel(false);
            stallCheck = null;
        }
    }

    private void startTask(boolean mayBlock) {
        ConnectionHost host = connection.host();
        try {
            if (mayBlock) host.handlerExecutor().execute(handlerTask);
            else host.nonBlockingExecutor().execute(readingThreadTask);
        } catch (RuntimeException rejected) {
            LOG.warn("handler executor refused the frames of {}: {}", connection.socketId(), rejected.toString());
            int dropped;
            synchronized (this) {
                tasks--;
                dropped = tasks == 0 ? waiting.size() : 0;
                if (dropped > 0) waiting.clear();
            }
            for (int i = 0; i < dropped; i++) done();
        }
    }

    /**
     * A frame task: processes waiting messages until there are none, then writes the replies it batched (and
     * every {@link #MAX_BATCHED} replies on the way, so that a long stream of messages does not hold them back).
     * A task that must not block hands itself over when the next message may.
     */
    private void run(boolean mayBlock) {
        int batched = 0;
        for (;;) {
            Incoming message;
            synchronized (this) {
                message = waiting.peek();
                if (message == null) {
                    tasks--;
                    break;
                }
                if (!mayBlock && message.mayBlock()) message = null; // still waiting, for the task it hands over to
                else {
                    waiting.poll();
                    taken++;
                }
            }
            if (message == null) {
                if (batched > 0) connection.flush();
                startTask(true);
                return;
            }
            if (connection.process(message) && ++batched == MAX_BATCHED) {
                connection.flush();
                batched = 0;
            }
        }
        if (batched > 0) connection.flush();
        connection.taskEnded();
    }

    private void scheduleStallCheck(long seen) { // holding the lock
        stallCheck = connection.host().scheduler().schedule(() -> checkStall(seen), STALL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs every {@link #STALL_MILLIS} while frame tasks run and messages came in meanwhile. If no task took a
     * message since the last check, the running ones are stuck in a handler: their batched replies are written,
     * and messages still waiting get a new task.
     */
    private void checkStall(long seen) {
        boolean stuck;
        boolean rescue = false;
        synchronized (this) {
            if (tasks == 0) {
                stallCheck = null;
                return;
            }
            stuck = taken == seen;
            if (stuck && !waiting.isEmpty()) {
                tasks++;
                rescue = true;
            }
            scheduleStallCheck(taken);
        }
        if (stuck) connection.flush();
        if (rescue) startTask(true);
    }
}
