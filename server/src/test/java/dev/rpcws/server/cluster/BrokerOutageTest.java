package dev.rpcws.server.cluster;

import dev.rpcws.protocol.Json;
import dev.rpcws.server.InProcessJetty;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.rpcws.server.cluster.Nodes.frames;
import static dev.rpcws.server.cluster.Nodes.metric;
import static dev.rpcws.server.cluster.Nodes.more;
import static dev.rpcws.server.cluster.Nodes.subscriber;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Redis goes away (killed, then restarted on its port) or hangs (SIGSTOP): calls go on, emits never wait for
 * Redis, what other nodes missed is counted and said once in the log, and delivery resumes by itself.
 */
class BrokerOutageTest {
    private Nodes cluster;
    private LogLines log;

    @BeforeEach
    void start() {
        log = new LogLines();
        cluster = Nodes.start(2);
    }

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
        log.close();
    }

    @Test
    void redisKilledAndRestartedLosesAndCountsTheEmitsBetweenThenResumesWithoutARestart() throws Exception {
        InProcessJetty n1 = cluster.node(1);
        InProcessJetty n2 = cluster.node(2);
        try (RawClient local = subscriber(n1, "/", "newsUpdate"); RawClient remote = subscriber(n2, "/", "newsUpdate")) {
            n1.server().emit("newsUpdate", "before");
            assertThat(frames(remote, 1)).containsExactly("{\"notification\":\"newsUpdate\",\"params\":[\"before\"]}");
            frames(local, 1);

            cluster.redis.kill();
            cluster.awaitState("down");
            for (int i = 0; i < 5; i++) n1.server().emit("newsUpdate", "during", i);
            assertThat(frames(local, 5)).as("this node's own subscribers still get its emits").hasSize(5);
            assertThat(metric(n1, "rpcws_broker_lost_emits_total")).isEqualTo(5);
            assertThat(metric(n1, "rpcws_broker_up")).isZero();
            assertThat(call(remote, "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[2,3],\"id\":7}"))
                    .as("calls go on without Redis").isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":5,\"id\":7}");

            cluster.redis.restart();
            cluster.awaitMesh();
            n1.server().emit("newsUpdate", "after");
            assertThat(frames(remote, 1)).as("the first event n2 sees after the outage")
                    .containsExactly("{\"notification\":\"newsUpdate\",\"params\":[\"after\"]}");
            assertThat(more(remote, Duration.ofMillis(300))).isEmpty();
            for (InProcessJetty node : cluster.all()) {
                String id = Nodes.id(node);
                assertThat(metric(node, "rpcws_broker_reconnects_total")).as(id + " reconnects").isEqualTo(1);
                assertThat(log.count("unreachable from node " + id)).as(id + ": outage lines").isEqualTo(1);
                assertThat(log.count("back for node " + id)).as(id + ": recovery lines").isEqualTo(1);
            }
            assertThat(log.count("back for node n1", "5 emits were lost meanwhile")).isEqualTo(1);
        }
    }

    @Test
    void redisFrozenNeverBlocksAnEmitAndBoundsWhatWaitsForIt() throws Exception {
        InProcessJetty n1 = cluster.node(1);
        InProcessJetty n2 = cluster.node(2);
        int beyond = 100;
        int emits = RedisBroker.MAX_UNACKNOWLEDGED + beyond;
        try (RawClient remote = subscriber(n2, "/", "newsUpdate"); RawClient caller = RawClient.connect(n1.wsUri("/"))) {
            cluster.redis.freeze();
            try {
                // An emit that waited for Redis would hang here until the thaw below: the timeout fails the test instead.
                assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                    for (int i = 0; i < emits; i++) n1.server().emit("newsUpdate", i);
                });
                assertThat(metric(n1, "rpcws_broker_unacknowledged")).isEqualTo(RedisBroker.MAX_UNACKNOWLEDGED);
                assertThat(metric(n1, "rpcws_broker_lost_emits_total")).isEqualTo(beyond);
                assertThat(Nodes.health(n1).path("broker").path("state").asText()).isEqualTo("stalled");
                assertThat(metric(n1, "rpcws_broker_up")).isZero();
                assertThat(call(caller, "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,1],\"id\":1}"))
                        .as("calls go on while Redis hangs").isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":2,\"id\":1}");
                assertThat(log.count("is not answering node n1")).isEqualTo(1);
            } finally {
                cluster.redis.thaw();
            }
            // What waited is delivered late, in order; what was lost stays lost.
            List<String> late = frames(remote, RedisBroker.MAX_UNACKNOWLEDGED);
            assertThat(late.get(0)).isEqualTo("{\"notification\":\"newsUpdate\",\"params\":[0]}");
            assertThat(late.get(late.size() - 1)).isEqualTo("{\"notification\":\"newsUpdate\",\"params\":[" + (RedisBroker.MAX_UNACKNOWLEDGED - 1) + "]}");
            Poll.until("n1 acknowledged", Nodes.WAIT, () -> metric(n1, "rpcws_broker_published_total") == RedisBroker.MAX_UNACKNOWLEDGED);
            assertThat(more(remote, Duration.ofMillis(300))).isEmpty();
            Poll.until("n1 says Redis answers again", Nodes.WAIT, () -> log.count("answering again for node n1", beyond + " emits were lost meanwhile") == 1);
        }
    }

    private static String call(RawClient c, String request) {
        c.send(request);
        return c.nextText();
    }
}
