package dev.rpcws.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/** What Linux reports about a process in /proc: CPU time (user + system, all threads) and resident memory. */
final class Proc {
    /** Clock ticks per second of /proc/<pid>/stat ({@code getconf CLK_TCK}); 100 on every Linux we run on. */
    private static final long TICKS_PER_SECOND = 100;

    private Proc() {}

    /** CPU time the process has used so far, user plus system, in nanoseconds (10 ms resolution). */
    static long cpuNanos(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) may hold spaces: fields after it are counted from the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14 and 15)
        return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    }

    /** Time on a CPU of each live thread of the process so far, in nanoseconds, by thread id: {@code /proc/<pid>/task/<tid>/schedstat}. */
    static Map<Long, Long> threadCpuNanos(long pid) {
        Map<Long, Long> byThread = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    byThread.put(Long.parseLong(task.getFileName().toString()),
                            Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split(" ")[0]));
                } catch (NoSuchFileException e) {
                    // the thread exited since the listing
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the threads of pid " + pid, e);
        }
        return byThread;
    }

    /**
     * A process's CPU time to the nanosecond, as a counter that only grows: each reading adds what every live thread
     * ran since the reading before (a thread new since then: all it ran). Exact where {@link #cpuNanos} has 10 ms
     * ticks, but a thread that exits between two readings takes its time since the first with it (a plain sum over
     * the live threads would even go back): for telling short stretches apart, read often, not for the figures.
     */
    static final class ThreadsCpu implements LongSupplier {
        private final long pid;
        private Map<Long, Long> last = Map.of();
        private long total;

        ThreadsCpu(long pid) {
            this.pid = pid;
        }

        @Override public synchronized long getAsLong() {
            Map<Long, Long> now = threadCpuNanos(pid);
            for (Map.Entry<Long, Long> t : now.entrySet()) {
                long before = last.getOrDefault(t.getKey(), 0L);
                total += t.getValue() >= before ? t.getValue() - before : t.getValue(); // less: its id went to a new thread
            }
            last = now;
            return total;
        }
    }

    /**
     * Time the calling thread has spent ready to run but waiting for a CPU, in nanoseconds: the second field of
     * {@code /proc/thread-self/schedstat}. -1 where the kernel does not report it.
     */
    static long threadWaitNanos() {
        try {
            return Long.parseLong(Files.readString(Path.of("/proc/thread-self/schedstat")).trim().split(" ")[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resident set size in bytes (VmRSS). */
    static long rssBytes(long pid) {
        for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for pid " + pid);
    }

    /** This process's soft limit on open files (each connection is one); child processes inherit it. */
    static long openFilesLimit() {
        return openFiles(read(Path.of("/proc/self/limits")))[0];
    }

    /** This process's hard limit on open files: what the soft limit can be raised to without CAP_SYS_RESOURCE. */
    static long openFilesHardLimit() {
        return openFiles(read(Path.of("/proc/self/limits")))[1];
    }

    /** Soft and hard limit of the "Max open files" line of a /proc/<pid>/limits text (MAX_VALUE for unlimited). */
    static long[] openFiles(String limits) {
        for (String line : limits.split("\n")) {
            if (line.startsWith("Max open files")) {
                String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                return new long[] {limit(f[0]), limit(f[1])};
            }
        }
        throw new IllegalArgumentException("no \"Max open files\" line");
    }

    private static long limit(String v) {
        return v.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(v);
    }

    /** The 1-minute load average (/proc/loadavg): runnable threads, all processes; far above the cores, figures mean little. */
    static double loadAverage() {
        return Double.parseDouble(read(Path.of("/proc/loadavg")).split(" ")[0]);
    }

    static long self() {
        return ProcessHandle.current().pid();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }
}
