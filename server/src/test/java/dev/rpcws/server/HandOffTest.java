package dev.rpcws.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.Json;
import dev.rpcws.testkit.Poll;
import org.eclipse.jetty.util.thread.strategy.AdaptiveExecutionStrategy;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a call costs in thread hand-offs on the server's own pool, and where its handler runs (decisions 0012 to
 * 0014): a message is read on the selector thread; a method declared non-blocking is answered there too, with no
 * pool task at all, and any other method by one pool task. Every other task would wake another thread, which is
 * most of the server's cost per call when calls arrive one at a time, as from the npm Client.
 */
class HandOffTest {
    private static final int CALLS = 200;

    @Test
    void aCallToAMethodThatMayBlockIsReadAndAnsweredByOnePoolTask() throws Exception {
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.pingInterval(Duration.ZERO), HandOffTest::registerMayBlock);
             RawTcp peer = new RawTcp(jetty.port(), "/")) {
            ElasticPool pool = jetty.server().pool();
            call(peer, "mayBlockSum", 1); // the first read after the upgrade stays out of the count (and id 0 would get no reply)
            long before = pool.getCompletedTaskCount();
            for (int id = 2; id <= CALLS + 1; id++) call(peer, "mayBlockSum", id);
            // Each call needs a read of its own (the next is sent after the reply), and the reply can reach the
            // peer before the task that wrote it has returned.
            Poll.until("a pool task per call has returned", Duration.ofSeconds(5), () -> pool.getCompletedTaskCount() - before >= CALLS);
            long tasks = pool.getCompletedTaskCount() - before;
            // The slack: the task of call 1 may have returned after the first reading, and reads may find a frame cut in two.
            assertThat(tasks).as("pool tasks for %d calls, one at a time", CALLS).isLessThanOrEqualTo(CALLS + CALLS / 10L);
        }
    }

    @Test
    void aCallToAMethodDeclaredNonBlockingIsAnsweredWhereItWasReadWithoutAPoolTask() throws Exception {
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.pingInterval(Duration.ZERO));
             RawTcp peer = new RawTcp(jetty.port(), "/")) {
            ElasticPool pool = jetty.server().pool();
            call(peer, "sum", 1); // the fixture declares its handlers non-blocking
            long before = pool.getCompletedTaskCount();
            for (int id = 2; id <= CALLS + 1; id++) call(peer, "sum", id);
            long tasks = pool.getCompletedTaskCount() - before;
            // The slack: a read may come before the selector had the connection's interest back (Jetty then reads on a pool task).
            assertThat(tasks).as("pool tasks for %d calls, one at a time", CALLS).isLessThanOrEqualTo(CALLS / 10L);
        }
    }

    /**
     * Calls of both kinds, mixed at random and sent in one write, so that one read finds many: the replies come in
     * the order of the calls, and a handler that may block never runs on a selector thread, even when it comes
     * behind calls answered there (which do run there: the check sees a selector thread).
     */
    @Test
    void mixedCallsKeepTheirOrderAndAMethodThatMayBlockNeverRunsOnTheSelector() throws Exception {
        Queue<String> mayBlockOnSelector = new ConcurrentLinkedQueue<>();
        Queue<String> nonBlockingOnSelector = new ConcurrentLinkedQueue<>();
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.pingInterval(Duration.ZERO), s -> {
                 s.register("mayBlock", (params, ctx) -> where(params, mayBlockOnSelector));
                 s.register("nonBlocking", (params, ctx) -> where(params, nonBlockingOnSelector)).nonBlocking();
             });
             RawTcp peer = new RawTcp(jetty.port(), "/")) {
            Random random = new Random(14);
            int id = 0;
            for (int burst = 0; burst < 20; burst++) {
                List<String> calls = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    String method = random.nextBoolean() ? "mayBlock" : "nonBlocking";
                    calls.add("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":[" + (++id) + "],\"id\":" + id + "}");
                }
                peer.sendTexts(calls);
                for (int expected = id - calls.size() + 1; expected <= id; expected++) {
                    JsonNode reply = Json.parse(peer.nextMessage().text());
                    assertThat(reply.get("id").asInt()).as("the reply after %d's", expected - 1).isEqualTo(expected);
                    assertThat(reply.get("result").get(0).asInt()).isEqualTo(expected);
                }
            }
            assertThat(mayBlockOnSelector).as("calls whose handler may block, run on a selector thread").isEmpty();
            assertThat(nonBlockingOnSelector).as("non-blocking calls run on a selector thread").isNotEmpty();
        }
    }

    /** Notes the call if it runs on a selector thread: one whose stack has Jetty's producing loop. */
    private static JsonNode where(JsonNode params, Queue<String> onSelector) {
        boolean selector = Arrays.stream(Thread.currentThread().getStackTrace())
                .anyMatch(f -> f.getClassName().equals(AdaptiveExecutionStrategy.class.getName()) && f.getMethodName().equals("produce"));
        if (selector) onSelector.add(params.toString());
        return params;
    }

    private static void registerMayBlock(RpcServer server) {
        server.register("mayBlockSum", (params, ctx) -> params.get(0).asInt() + params.get(1).asInt());
    }

    private static void call(RawTcp peer, String method, int id) throws Exception {
        peer.sendFrame(0x1, ("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":[1,2],\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8));
        assertThat(peer.nextMessage().text()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":" + id + "}");
    }
}
