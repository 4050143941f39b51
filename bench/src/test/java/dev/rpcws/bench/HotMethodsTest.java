package dev.rpcws.bench;

import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The hot-methods printer for the bench's JFR recordings finds the method that burned the CPU. */
class HotMethodsTest {
    private static volatile long sink;

    private static void burn(long until) {
        long x = 1;
        while (System.nanoTime() < until) {
            for (int i = 0; i < 10_000; i++) x = x * 6364136223846793005L + 1442695040888963407L;
        }
        sink = x;
    }

    @Test
    void theMethodThatSpinsIsOnTop(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("spin.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.start();
            burn(System.nanoTime() + 1_000_000_000L);
            recording.stop();
            recording.dump(file);
        }
        Map<String, Long> top = HotMethods.topFrames(file);
        long total = top.values().stream().mapToLong(Long::longValue).sum();
        Map.Entry<String, Long> hottest = top.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        assertThat(total).as("samples of a busy second").isGreaterThanOrEqualTo(20);
        assertThat(hottest.getKey()).isEqualTo(HotMethodsTest.class.getName() + ".burn");
        assertThat(hottest.getValue()).as("its share of " + top).isGreaterThan(total / 2);
    }
}
