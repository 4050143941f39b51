package dev.rpcws.server;

import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Server heartbeats: answered pings keep connections, a silent peer is evicted within interval + timeout. */
class HeartbeatTest {
    private static final Duration INTERVAL = Duration.ofMillis(150);
    private static final Duration TIMEOUT = Duration.ofMillis(150);
    private InProcessJetty jetty;

    @BeforeEach void start() {
        jetty = InProcessJetty.start(o -> o.pingInterval(INTERVAL).pongTimeout(TIMEOUT));
    }

    @AfterEach void stop() {
        jetty.close();
    }

    /**
     * Its own server: pings every 100 ms, pong timeout 1 s (room for a loaded machine to read a pong late). 30
     * pings take 3 s, three pong timeouts: a server that did not hear the pongs would have evicted the peer.
     */
    @Test
    void aPeerThatAnswersPingsSurvivesManyIntervals() {
        try (InProcessJetty busy = InProcessJetty.start(o -> o.pingInterval(Duration.ofMillis(100)).pongTimeout(Duration.ofSeconds(1)));
             RawClient client = RawClient.connect(busy.wsUri("/"))) {
            client.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"newsUpdate\"],\"id\":1}");
            assertThat(client.nextText()).contains("\"ok\"");
            Poll.until("30 pings answered", Duration.ofSeconds(20), () -> busy.admin().metric("rpcws_pongs_received_total") >= 30);
            assertThat(client.isOpen()).isTrue();
            busy.server().emit("newsUpdate", "still here");
            assertThat(client.nextText()).isEqualTo("{\"notification\":\"newsUpdate\",\"params\":[\"still here\"]}");
            assertThat(busy.admin().metric("rpcws_evictions_total{reason=\"ping_timeout\"}")).isZero();
        }
    }

    @Test
    void aPeerThatStopsReadingIsEvictedWithinIntervalPlusTimeoutAndLosesItsSubscriptions() {
        try (RawClient silent = RawClient.connect(jetty.wsUri("/?socket_id=silent"));
             RawClient other = RawClient.connect(jetty.wsUri("/?socket_id=other"))) {
            silent.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"newsUpdate\"],\"id\":1}");
            assertThat(silent.nextText()).contains("\"ok\"");
            silent.pauseReading();
            long paused = System.nanoTime();
            Poll.until("the silent peer to be evicted", Duration.ofSeconds(5),
                    () -> !jetty.server().of("/").connected().contains("silent"));
            Duration took = Duration.ofNanos(System.nanoTime() - paused);
            // interval + timeout, plus one interval for a ping that raced the pause, plus scheduling slack
            assertThat(took).isLessThan(INTERVAL.multipliedBy(2).plus(TIMEOUT).plusMillis(500));
            assertThat(jetty.admin().metric("rpcws_evictions_total{reason=\"ping_timeout\"}")).isEqualTo(1);
            assertThat(jetty.server().emit("newsUpdate", "x")).as("deliveries after eviction").isZero();
            assertThat(jetty.server().of("/").connected()).containsExactly("other");
            silent.resumeReading();
            Poll.until("the evicted peer to see the close", Duration.ofSeconds(5), () -> silent.closeCode() != -1);
            assertThat(silent.closeCode()).isIn(1001, 1006);
        }
    }

    @Test
    void clientPingsAreAnswered() {
        try (RawClient client = RawClient.connect(jetty.wsUri("/"))) {
            client.ping("p1");
            client.ping("p2");
            Poll.until("two pongs", Duration.ofSeconds(5), () -> client.pongs() >= 2);
        }
    }

    @Test
    void zeroIntervalDisablesHeartbeats() {
        try (InProcessJetty quiet = InProcessJetty.start(o -> o.pingInterval(Duration.ZERO));
             RawClient client = RawClient.connect(quiet.wsUri("/"))) {
            client.send("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2],\"id\":1}");
            assertThat(client.nextText()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":1}");
            assertThat(quiet.admin().metric("rpcws_pings_sent_total")).isZero();
        }
    }

    private double pongs() {
        return jetty.admin().metric("rpcws_pongs_received_total");
    }
}
