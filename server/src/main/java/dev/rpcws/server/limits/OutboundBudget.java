package dev.rpcws.server.limits;

import org.eclipse.jetty.util.Callback;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * A connection's unsent output, bounded: every outgoing frame is charged until Jetty reports it written (or
 * failed), and a frame that would pass the bound is refused, so the connection cuts the peer off instead of
 * buffering without limit (the slow-consumer policy). Nothing here blocks.
 */
public final class OutboundBudget {
    private static final AtomicLongFieldUpdater<OutboundBudget> QUEUED = AtomicLongFieldUpdater.newUpdater(OutboundBudget.class, "queued");

    private final Limits limits; // shared by the server's connections: one reference here, not a copy of the bound
    private volatile long queued;

    public OutboundBudget(Limits limits) {
        this.limits = limits;
    }

    public long max() {
        return limits.maxQueuedBytes();
    }

    /**
     * Charges a frame of {@code bytes}: the callback to hand to Jetty with it, which gives the bytes back once the
     * frame is written; null, charging nothing, when the frame would pass the bound.
     */
    public Callback charge(long bytes) {
        if (QUEUED.addAndGet(this, bytes) > limits.maxQueuedBytes()) {
            QUEUED.addAndGet(this, -bytes);
            return null;
        }
        return new Release(bytes);
    }

    /** True if the frame of {@code bytes} just charged is all the unsent output: nothing else waits to be written. */
    public boolean onlyFrameQueued(long bytes) {
        return queued == bytes;
    }

    /** Gives a frame's bytes back once Jetty has written it, or failed to. */
    private final class Release implements Callback {
        private final long bytes;

        Release(long bytes) {
            this.bytes = bytes;
        }

        @Override public void succeeded() {
            QUEUED.addAndGet(OutboundBudget.this, -bytes);
        }

        @Override public void failed(Throwable x) {
            QUEUED.addAndGet(OutboundBudget.this, -bytes);
        }
    }
}
