package dev.rpcws.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The hottest methods of a JFR recording: the methods on top of its execution samples ({@code jdk.ExecutionSample}),
 * with their share of all samples. JDK 17's {@code jfr} tool has no {@code view hot-methods} (JDK 21 added it);
 * {@code jfr print --events jdk.ExecutionSample FILE} prints every sample with its stack.
 *
 * <pre>java -cp bench/target/rpcws-bench.jar dev.rpcws.bench.HotMethods FILE.jfr [TOP]</pre>
 */
final class HotMethods {
    private HotMethods() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) throw new IllegalArgumentException("usage: HotMethods FILE.jfr [TOP]");
        Map<String, Long> top = topFrames(Path.of(args[0]));
        long total = top.values().stream().mapToLong(Long::longValue).sum();
        int limit = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        System.out.printf("%d execution samples in %s%n%8s  %s%n", total, args[0], "share", "method (top frame)");
        top.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .forEach(e -> System.out.printf("%7.2f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
    }

    /** Samples per top-frame method ({@code class.method}). */
    static Map<String, Long> topFrames(Path recording) throws IOException {
        Map<String, Long> counts = new HashMap<>();
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) continue;
                List<RecordedFrame> frames = e.getStackTrace().getFrames();
                if (frames.isEmpty()) continue;
                RecordedMethod m = frames.get(0).getMethod();
                counts.merge(m.getType().getName() + "." + m.getName(), 1L, Long::sum);
            }
        }
        return counts;
    }
}
