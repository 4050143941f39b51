package dev.rpcws.server;

import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.channels.WritePendingException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.BiConsumer;

/**
 * Turns at one socket's output, shared by Jetty's writes and direct writes of events (decision 0016): one writer
 * at a time, so frames never interleave. Jetty's write that comes during another's turn waits and starts when that
 * turn ends; a direct write only takes a free turn, or goes through Jetty instead. A write through Jetty's write
 * flusher keeps its turn until after its callback, so nothing slips in between a close frame's write and the
 * output's shutdown. Nothing blocks, and a chain of writes completed at once runs in a loop, not on a growing stack.
 */
final class OutputTurns {
    private static final AtomicIntegerFieldUpdater<OutputTurns> TAKEN = AtomicIntegerFieldUpdater.newUpdater(OutputTurns.class, "taken");
    private static final AtomicReferenceFieldUpdater<OutputTurns, Write> WAITING = AtomicReferenceFieldUpdater.newUpdater(OutputTurns.class, Write.class, "waiting");

    private final BiConsumer<Callback, ByteBuffer[]> flusher;
    private volatile int taken;    // 1 during a turn
    private volatile Write waiting; // Jetty's write that came during another's turn: one at most, Jetty writes one at a time

    /** @param flusher Jetty's write flusher: writes the buffers and completes the callback, at once or later */
    OutputTurns(BiConsumer<Callback, ByteBuffer[]> flusher) {
        this.flusher = flusher;
    }

    /** Jetty's write: now if the output is free, else when the current turn ends. */
    void write(Callback callback, ByteBuffer... buffers) {
        Write w = new Write(callback, buffers);
        if (TAKEN.compareAndSet(this, 0, 1)) {
            if (start(w)) end();
            return;
        }
        if (!WAITING.compareAndSet(this, null, w)) throw new WritePendingException();
        if (TAKEN.compareAndSet(this, 0, 1)) end(); // the turn ended before it could see w: start w here
    }

    /** Takes the turn if the output is free: the caller writes, then calls {@link #end} or {@link #writeRest}. */
    boolean tryTake() {
        return TAKEN.compareAndSet(this, 0, 1);
    }

    /** During a taken turn: what the socket did not take goes through Jetty's write flusher, and the turn ends after it. */
    void writeRest(Callback callback, ByteBuffer rest) {
        if (start(new Write(callback, rest))) end();
    }

    /** Ends the current turn: starts a waiting write of Jetty's, or frees the output. */
    void end() {
        while (true) {
            Write next = WAITING.getAndSet(this, null);
            if (next != null) {
                if (start(next)) continue; // it completed at once: its turn is over too
                return;
            }
            taken = 0;
            if (waiting == null || !TAKEN.compareAndSet(this, 0, 1)) return;
        }
    }

    /** Starts a write through the flusher: true if it completed inside, so the caller ends the turn. */
    private boolean start(Write w) {
        flusher.accept(w, w.buffers);
        return !Write.STATE.compareAndSet(w, Write.STARTING, Write.STARTED);
    }

    /** A write through the flusher: its turn ends after its callback, by its starter if it completed at once. */
    private final class Write extends Callback.Nested {
        static final int STARTING = 0, COMPLETED_AT_ONCE = 1, STARTED = 2;
        static final AtomicIntegerFieldUpdater<Write> STATE = AtomicIntegerFieldUpdater.newUpdater(Write.class, "state");
        final ByteBuffer[] buffers;
        volatile int state;

        Write(Callback callback, ByteBuffer... buffers) {
            super(callback);
            this.buffers = buffers;
        }

        @Override public void completed() {
            if (!STATE.compareAndSet(this, STARTING, COMPLETED_AT_ONCE)) end();
        }
    }
}
