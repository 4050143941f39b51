package dev.rpcws.protocol.client;

import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class PendingCallsTest {
    private final PendingCalls<String> calls = new PendingCalls<>();

    @Test
    void idsStartAtOneAndIncreaseNeverZero() {
        assertThat(List.of(calls.nextId(), calls.nextId(), calls.nextId())).containsExactly(1L, 2L, 3L);
    }

    @Test
    void repliesFindTheirCallWhateverFormTheIdTakesAndOnlyOnce() {
        calls.track(7, "seven");
        calls.track(8, "eight");
        calls.track(9, "nine");
        assertThat(calls.match(NullNode.instance)).isNull();
        assertThat(calls.match(null)).isNull();
        assertThat(calls.match(TextNode.valueOf("7"))).isEqualTo("seven");
        assertThat(calls.match(IntNode.valueOf(7))).isNull(); // settled
        assertThat(calls.match(DoubleNode.valueOf(8.0))).isEqualTo("eight");
        assertThat(calls.match(LongNode.valueOf(9))).isEqualTo("nine");
        assertThat(calls.size()).isZero();
    }

    @Test
    void forgetAllTakesOnlyWhatItSelects() {
        calls.track(1, "a:1");
        calls.track(2, "b:2");
        calls.track(3, "a:3");
        assertThat(calls.forgetAll(c -> c.startsWith("a:"))).containsExactlyInAnyOrder("a:1", "a:3");
        assertThat(calls.forget(2)).isEqualTo("b:2");
        assertThat(calls.forget(2)).isNull();
    }

    /** A reply, a timeout and a drop race for the same calls: each call is handed out exactly once. */
    @Test
    void everyCallIsHandedOutOnceUnderContention() throws Exception {
        int n = 20_000;
        for (long id = 1; id <= n; id++) calls.track(id, "c" + id);
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(3);
        CountDownLatch start = new CountDownLatch(1);
        try {
            pool.execute(() -> { await(start); for (long id = 1; id <= n; id++) add(out, calls.match(LongNode.valueOf(id))); });
            pool.execute(() -> { await(start); for (long id = n; id >= 1; id--) add(out, calls.forget(id)); });
            pool.execute(() -> { await(start); for (int i = 0; i < 50; i++) out.addAll(calls.forgetAll(c -> true)); });
            start.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(out).hasSize(n).doesNotHaveDuplicates();
    }

    private static void add(List<String> out, String call) {
        if (call != null) out.add(call);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
