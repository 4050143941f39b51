package dev.rpcws.server.limits;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * An INFO line that peers can make the server write at will (a refused upgrade, a protocol error, an eviction):
 * at most {@code burst} lines per window, so that a flood of bad peers cannot flood the log. Lines past the burst
 * are counted, and the count is written before the next line that passes.
 */
public final class RateLimitedLog {
    private final Logger log;
    private final int burst;
    private final Duration window;
    private final LongSupplier nanoClock;
    private long windowStart = Long.MIN_VALUE; // guarded by this
    private int written;                       // guarded by this: lines in the current window
    private long suppressed;                   // guarded by this: lines dropped since the last one written

    /** Ten lines per ten seconds: enough to see what happens, too few to fill a disk. */
    public RateLimitedLog(Logger log) {
        this(log, 10, Duration.ofSeconds(10), System::nanoTime);
    }

    /**
     * @param log where the lines go
     * @param burst lines per window at most
     * @param window the window
     * @param nanoClock {@link System#nanoTime()}, or a test's clock
     */
    RateLimitedLog(Logger log, int burst, Duration window, LongSupplier nanoClock) {
        this.log = log;
        this.burst = burst;
        this.window = window;
        this.nanoClock = nanoClock;
    }

    /**
     * Writes the line at INFO unless this window's burst is spent.
     *
     * @param format an SLF4J format
     * @param args its arguments
     */
    public void info(String format, Object... args) {
        if (!log.isInfoEnabled()) return;
        long dropped;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            if (windowStart == Long.MIN_VALUE || now - windowStart >= window.toNanos()) {
                windowStart = now;
                written = 0;
            }
            if (written == burst) {
                suppressed++;
                return;
            }
            written++;
            dropped = suppressed;
            suppressed = 0;
        }
        if (dropped > 0) log.info("{} similar lines not written (at most {} per {} s)", dropped, burst, window.toSeconds());
        log.info(format, args);
    }
}
