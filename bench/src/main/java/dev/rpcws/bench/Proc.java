package dev.rpcws.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
