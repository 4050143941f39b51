package dev.rpcws.server;

import dev.rpcws.testkit.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Methods declared non-blocking skip the handler executor; everything else still goes through it. */
class NonBlockingHandlersTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final AtomicInteger handedOff = new AtomicInteger();

    @AfterEach void stopPool() {
        pool.shutdownNow();
    }

    private InProcessJetty start() {
        return InProcessJetty.start(o -> o, server -> {
            server.handlerExecutor(task -> {
                handedOff.incrementAndGet();
                pool.execute(task);
            });
            Namespace ns = server.of("/nb");
            ns.register("fast", (params, ctx) -> "fast").nonBlocking();
            ns.register("plain", (params, ctx) -> "plain");
        });
    }

    private static String call(String method, int id) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"id\":" + id + "}";
    }

    private static String reply(String result, int id) {
        return "{\"jsonrpc\":\"2.0\",\"result\":\"" + result + "\",\"id\":" + id + "}";
    }

    @Test
    void framesCallingOnlyNonBlockingMethodsAreNotHandedToTheHandlerExecutor() {
        try (InProcessJetty jetty = start(); RawClient c = RawClient.connect(jetty.wsUri("/nb"))) {
            for (int i = 1; i <= 20; i++) {
                c.send(call("fast", i));
                assertThat(c.nextText()).isEqualTo(reply("fast", i));
            }
            c.send("[" + call("fast", 21) + "," + call("fast", 22) + "]");
            assertThat(c.nextText()).isEqualTo("[" + reply("fast", 21) + "," + reply("fast", 22) + "]");
            c.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"nothing\"],\"id\":23}");
            assertThat(c.nextText()).contains("\"id\":23");
            assertThat(handedOff).hasValue(0);

            c.send(call("plain", 24));
            assertThat(c.nextText()).isEqualTo(reply("plain", 24));
            c.send("[" + call("fast", 25) + "," + call("plain", 26) + "]"); // one method that may block: the whole batch
            assertThat(c.nextText()).isEqualTo("[" + reply("fast", 25) + "," + reply("plain", 26) + "]");
            assertThat(handedOff).hasValue(2);
        }
    }

    @Test
    void aNonBlockingCallBehindABlockingOneWaitsForItsTurnAndIsThenAnswered() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (InProcessJetty jetty = InProcessJetty.start(o -> o, server -> {
                 server.of("/order").register("block", (params, ctx) -> release.await(10, TimeUnit.SECONDS));
                 server.of("/order").register("fast", (params, ctx) -> "fast").nonBlocking();
             });
             RawClient c = RawClient.connect(jetty.wsUri("/order"))) {
            c.send(call("block", 1));
            c.send(call("fast", 2)); // queued behind the blocked task, then rescued by the stall check
            assertThat(c.nextText()).isEqualTo(reply("fast", 2));
            release.countDown();
            assertThat(c.nextText()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":1}");
        }
    }

    @Test
    void eventsCannotBeDeclaredNonBlocking() {
        try (InProcessJetty jetty = InProcessJetty.start()) {
            assertThatThrownBy(() -> jetty.server().of("/e").event("tick").nonBlocking())
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }
}
