package dev.rpcws.testkit;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/** Heap bytes allocated in this JVM, for tests that show something was not built whole in memory. */
public final class Allocations {
    private Allocations() {}

    /** The bytes every live thread has allocated so far; the difference of two readings brackets an action. */
    public static long byAllThreads() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return Arrays.stream(threads.getThreadAllocatedBytes(threads.getAllThreadIds())).filter(n -> n > 0).sum();
    }
}
