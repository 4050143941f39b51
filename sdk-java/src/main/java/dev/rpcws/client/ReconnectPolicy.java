package dev.rpcws.client;

import dev.rpcws.protocol.Wire;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/** The reconnect rules of docs/client-behaviour.md, as pure functions of the attempt number. */
record ReconnectPolicy(boolean enabled, Duration interval, int maxReconnects, boolean backoff, Duration maxDelay) {
    ReconnectPolicy {
        if (interval.isNegative()) throw new IllegalArgumentException("reconnectInterval must not be negative");
        if (maxReconnects < 0) throw new IllegalArgumentException("maxReconnects must not be negative");
        if (maxDelay.compareTo(interval) < 0) throw new IllegalArgumentException("maxReconnectDelay must be at least reconnectInterval");
    }

    boolean reconnectsAfter(int closeCode) {
        return enabled && closeCode != Wire.CLOSE_NORMAL;
    }

    /** Whether attempt {@code attempt} (counted from 1 since the last open) may be made; 0 max = unlimited. */
    boolean allows(int attempt) {
        return maxReconnects == 0 || attempt <= maxReconnects;
    }

    /**
     * The wait before attempt {@code attempt}: the fixed interval, or with backoff
     * {@code min(interval x 2^(attempt-1), maxDelay)} jittered into [delay/2, delay] so that many clients
     * dropped together do not reconnect in lockstep. {@code random} yields values in [0, 1).
     */
    Duration delayBefore(int attempt, DoubleSupplier random) {
        if (!backoff) return interval;
        long max = maxDelay.toMillis();
        int doublings = Math.min(attempt - 1, 40); // 2^40 x any sane interval is past every cap: no overflow
        long delay = Math.min(interval.toMillis() << doublings, max);
        if (delay < 0) delay = max;
        long half = delay / 2;
        return Duration.ofMillis(half + (long) (random.getAsDouble() * (delay - half + 1)));
    }
}
