package dev.rpcws.client;

import dev.rpcws.testkit.Poll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class SerialLaneTest {
    @Test
    void runsTasksOneAtATimeInSubmissionOrderOnAPool() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            SerialLane lane = new SerialLane(pool);
            List<Integer> seen = new CopyOnWriteArrayList<>();
            AtomicInteger running = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            for (int i = 0; i < 2000; i++) {
                int n = i;
                lane.execute(() -> {
                    if (running.incrementAndGet() > 1) overlaps.incrementAndGet();
                    seen.add(n);
                    running.decrementAndGet();
                });
            }
            Poll.until("2000 tasks", Duration.ofSeconds(5), () -> seen.size() == 2000);
            assertThat(overlaps).hasValue(0);
            assertThat(seen).isEqualTo(IntStream.range(0, 2000).boxed().toList());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aThrowingTaskDoesNotStopTheLane() {
        SerialLane lane = new SerialLane(Runnable::run);
        List<String> seen = new CopyOnWriteArrayList<>();
        lane.execute(() -> { throw new IllegalStateException("listener bug"); });
        lane.execute(() -> seen.add("after"));
        assertThat(seen).containsExactly("after");
    }
}
