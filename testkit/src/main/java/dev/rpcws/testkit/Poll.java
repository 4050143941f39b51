package dev.rpcws.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The one wait helper: poll a condition with a deadline, never a fixed sleep. */
public final class Poll {
    private static final long STEP_MS = 10;

    private Poll() {}

    /** Waits until {@code condition} holds; fails with {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            sleep();
        }
    }

    /** Waits until {@code probe} returns a non-null value and returns it. */
    public static <T> T value(String what, Duration timeout, Supplier<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T v;
        while ((v = probe.get()) == null) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            sleep();
        }
        return v;
    }

    private static void sleep() {
        try {
            Thread.sleep(STEP_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
