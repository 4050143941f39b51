package dev.rpcws.server;

import dev.rpcws.testkit.Poll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a call costs in thread hand-offs on the server's own pool (decisions 0012 and 0013): a message is read on
 * the selector thread and answered by one pool task; with {@code nonBlockingHandlers} it is answered on the
 * selector thread too, with no pool task at all. Every other task would wake another thread, which is most of the
 * server's cost per call when calls arrive one at a time, as from the npm Client.
 */
class HandOffTest {
    private static final int CALLS = 200;

    @Test
    void aCallThatArrivesAloneIsReadAndAnsweredByOnePoolTask() throws Exception {
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.pingInterval(Duration.ZERO));
             RawTcp peer = new RawTcp(jetty.port(), "/")) {
            ElasticPool pool = jetty.server().pool();
            call(peer, 1); // the first read after the upgrade stays out of the count (and id 0 would get no reply)
            long before = pool.getCompletedTaskCount();
            for (int id = 2; id <= CALLS + 1; id++) call(peer, id);
            // Each call needs a read of its own (the next is sent after the reply), and the reply can reach the
            // peer before the task that wrote it has returned.
            Poll.until("a pool task per call has returned", Duration.ofSeconds(5), () -> pool.getCompletedTaskCount() - before >= CALLS);
            long tasks = pool.getCompletedTaskCount() - before;
            // The slack: the task of call 1 may have returned after the first reading, and reads may find a frame cut in two.
            assertThat(tasks).as("pool tasks for %d calls, one at a time", CALLS).isLessThanOrEqualTo(CALLS + CALLS / 10L);
        }
    }

    @Test
    void withNonBlockingHandlersACallIsAnsweredWhereItWasReadWithoutAPoolTask() throws Exception {
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.pingInterval(Duration.ZERO), s -> s.nonBlockingHandlers(true));
             RawTcp peer = new RawTcp(jetty.port(), "/")) {
            ElasticPool pool = jetty.server().pool();
            call(peer, 1);
            long before = pool.getCompletedTaskCount();
            for (int id = 2; id <= CALLS + 1; id++) call(peer, id);
            long tasks = pool.getCompletedTaskCount() - before;
            // The slack: a read may come before the selector had the connection's interest back (Jetty then reads on a pool task).
            assertThat(tasks).as("pool tasks for %d calls, one at a time", CALLS).isLessThanOrEqualTo(CALLS / 10L);
        }
    }

    private static void call(RawTcp peer, int id) throws Exception {
        peer.sendFrame(0x1, ("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2],\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8));
        assertThat(peer.nextMessage().text()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":" + id + "}");
    }
}
