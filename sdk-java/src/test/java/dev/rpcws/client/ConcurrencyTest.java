package dev.rpcws.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.client.support.Backend;
import dev.rpcws.client.support.SharedServers;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class ConcurrencyTest {
    private static final int CALLS = 1000;
    private static final int THREADS = 8;

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void aThousandConcurrentCallsOnOneConnectionGetTheirOwnAnswers(Backend backend) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(THREADS);
        try (RpcClient client = RpcClient.builder(SharedServers.of(backend).wsUri("/")).build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            @SuppressWarnings("unchecked")
            CompletableFuture<JsonNode>[] calls = new CompletableFuture[CALLS];
            CountDownLatch start = new CountDownLatch(1);
            CountDownLatch issued = new CountDownLatch(THREADS);
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                callers.execute(() -> {
                    try {
                        start.await();
                        for (int i = thread; i < CALLS; i += THREADS) calls[i] = client.call("sum", List.of(i, 1_000_000L * i));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        issued.countDown();
                    }
                });
            }
            start.countDown();
            assertThat(issued.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture.allOf(calls).get(20, TimeUnit.SECONDS);
            for (int i = 0; i < CALLS; i++) assertThat(calls[i].join().asLong()).as("call %d", i).isEqualTo(1_000_001L * i);
        } finally {
            callers.shutdownNow();
        }
    }
}
