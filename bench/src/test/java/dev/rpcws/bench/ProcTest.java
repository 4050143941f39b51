package dev.rpcws.bench;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The /proc readings the report is built on: CPU time, and the time a thread waits for a CPU. */
class ProcTest {
    @Test
    void theOpenFilesLimitsAreReadFromProcLimits() {
        String limits = """
                Limit                     Soft Limit           Hard Limit           Units
                Max processes             unlimited            unlimited            processes
                Max open files            20000                20000                files
                Max locked memory         8388608              8388608              bytes
                """;
        assertThat(Proc.openFiles(limits)).containsExactly(20_000L, 20_000L);
        assertThat(Proc.openFiles(limits.replace("20000                20000", "1024                 unlimited")))
                .containsExactly(1_024L, Long.MAX_VALUE);
        assertThat(Proc.openFilesLimit()).isLessThanOrEqualTo(Proc.openFilesHardLimit()).isPositive();
    }

    @Test
    void threadsBusierThanTheCoresWaitForACpuMoreThanTheyRun() throws Exception {
        assumeTrue(Proc.threadWaitNanos() >= 0, "this kernel reports no /proc/thread-self/schedstat");
        long cpuBefore = Proc.cpuNanos(Proc.self());

        // Four times as many spinning threads as cores for 300 ms: each runs about a quarter of the time and waits
        // the other three quarters, so the waiting adds up to about three times the CPU time they use.
        long until = System.nanoTime() + 300_000_000L;
        AtomicLong waited = new AtomicLong();
        List<Thread> spinners = new ArrayList<>();
        for (int i = 0; i < 4 * Runtime.getRuntime().availableProcessors(); i++) {
            Thread t = new Thread(() -> {
                long before = Proc.threadWaitNanos();
                while (System.nanoTime() < until) Thread.onSpinWait();
                waited.addAndGet(Proc.threadWaitNanos() - before);
            });
            t.start();
            spinners.add(t);
        }
        for (Thread t : spinners) t.join();

        long cpu = Proc.cpuNanos(Proc.self()) - cpuBefore;
        assertThat(cpu).as("CPU time of the spinning threads").isGreaterThanOrEqualTo(100_000_000L);
        assertThat(waited.get()).as("time the spinning threads were ready but had no CPU").isGreaterThan(cpu * 3 / 2);
    }

    @Test
    void theThreadsCpuCounterCountsEveryThreadToTheNanosecondAndNeverGoesBack() throws Exception {
        Proc.ThreadsCpu cpu = new Proc.ThreadsCpu(Proc.self());
        long before = cpu.getAsLong();
        // Another thread spins for 50 ms of its own CPU time (the JVM's exact clock) and stays alive past the reading.
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        AtomicLong spun = new AtomicLong();
        CountDownLatch spinning = new CountDownLatch(1);
        CountDownLatch read = new CountDownLatch(1);
        Thread spinner = new Thread(() -> {
            long start = mx.getCurrentThreadCpuTime();
            while (mx.getCurrentThreadCpuTime() - start < 50_000_000L) Thread.onSpinWait();
            spun.set(mx.getCurrentThreadCpuTime() - start);
            spinning.countDown();
            try {
                read.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        spinner.start();
        spinning.await();
        long during = cpu.getAsLong();
        read.countDown();
        spinner.join();
        long after = cpu.getAsLong();

        assertThat(during - before).as("CPU time of the process's threads, over the spin").isGreaterThanOrEqualTo(spun.get());
        assertThat(after).as("once the spinning thread exited").isGreaterThanOrEqualTo(during);
    }
}
