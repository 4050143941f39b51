package dev.rpcws.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rpcws.client.support.Backend;
import dev.rpcws.server.InProcessJetty;
import dev.rpcws.client.support.Recorder;
import dev.rpcws.testkit.LaunchedProcess;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.ServerUnderTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Dead peers are found by the client's pings; the server's pings are answered. */
@Timeout(60)
class HeartbeatTest {
    private static final Duration PING_INTERVAL = Duration.ofMillis(500);
    private static final Duration PONG_TIMEOUT = Duration.ofSeconds(1);
    /** Timer and thread scheduling on a busy test machine (a live server must answer within the pong timeout under load). */
    private static final Duration SLACK = Duration.ofMillis(400);

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void aServerThatStopsAnsweringIsFoundDeadAndReconnectedWhenItResumes(Backend backend) throws Exception {
        ServerUnderTest server = backend.startProcess(0);
        LaunchedProcess process = Backend.process(server);
        Recorder events = new Recorder();
        try (RpcClient client = RpcClient.builder(server.wsUri("/")).listener(events)
                .pingInterval(PING_INTERVAL).pongTimeout(PONG_TIMEOUT)
                .reconnectInterval(Duration.ofMillis(100)).maxReconnects(0).connectTimeout(Duration.ofMillis(500))
                .build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            List<RpcEvent> news = new CopyOnWriteArrayList<>();
            client.subscribe("newsUpdate", news::add).get(5, TimeUnit.SECONDS);

            process.pause(); // SIGSTOP: the socket stays open, nothing answers
            long paused = System.nanoTime();
            CompletableFuture<JsonNode> unanswered = client.call("sum", List.of(1, 2));
            Recorder.Entry close = events.await("close", Duration.ofSeconds(5));
            Duration detectedAfter = Duration.ofNanos(close.nanos() - paused);
            assertThat(close.line()).isEqualTo("close 1006");
            assertThat(detectedAfter).isLessThanOrEqualTo(PING_INTERVAL.plus(PONG_TIMEOUT).plus(SLACK));
            assertThat(failureKind(unanswered)).isEqualTo(RpcClientException.Kind.CONNECTION_LOST);

            // While paused, handshakes are accepted by the kernel but never answered: attempts time out.
            events.await("error CONNECT_FAILED", Duration.ofSeconds(5));
            assertThat(client.state()).isIn(ClientState.RECONNECTING, ClientState.CONNECTING);

            process.resume();
            events.await("reconnected true", Duration.ofSeconds(10));
            assertThat(client.call("sum", List.of(1, 2)).get(5, TimeUnit.SECONDS).asInt()).isEqualTo(3);
            server.admin().emit("newsUpdate", TextNode.valueOf("alive again"));
            Poll.until("the event after resuming", Duration.ofSeconds(5), () -> news.size() == 1);
            assertThat(events.allLines()).noneMatch(l -> l.startsWith("error foreign"));
        } finally {
            server.close();
        }
    }

    /**
     * Only the Jetty server pings (the Node reference never does), so this runs against it alone. The pong
     * timeout is long enough for a loaded machine; a client that never answers still has no pongs to count.
     */
    @Test
    void serverPingsAreAnswered() throws Exception {
        try (InProcessJetty server = InProcessJetty.start(o -> o
                .pingInterval(Duration.ofMillis(100)).pongTimeout(Duration.ofSeconds(2)));
             RpcClient client = RpcClient.builder(server.wsUri("/")).pingInterval(Duration.ZERO).build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            Poll.until("5 pongs at the server", Duration.ofSeconds(5), () -> server.admin().metric("rpcws_pongs_received_total") >= 5);
            assertThat(server.admin().metric("rpcws_evictions_total{reason=\"ping_timeout\"}")).isZero();
            assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
            assertThat(client.call("sum", List.of(2, 2)).get(5, TimeUnit.SECONDS).asInt()).isEqualTo(4);
        }
    }

    @Test
    void silenceAfterAPingIsDeathAndAStoppedHeartbeatLeavesNoTimerBehind() throws Exception {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
        timers.setRemoveOnCancelPolicy(true);
        try {
            List<String> dead = new CopyOnWriteArrayList<>();
            Heartbeat silent = new Heartbeat(timers);
            silent.start(Duration.ofMillis(20), Duration.ofMillis(20), () -> {}, dead::add);
            Poll.until("the silent peer found dead", Duration.ofSeconds(5), () -> !dead.isEmpty());
            assertThat(dead.get(0)).isEqualTo("no pong within 20 ms");
            silent.stop();

            AtomicInteger pings = new AtomicInteger();
            Heartbeat answered = new Heartbeat(timers);
            answered.start(Duration.ofMillis(10), Duration.ofSeconds(30), () -> {
                pings.incrementAndGet();
                answered.heard();
            }, dead::add);
            Poll.until("three pings", Duration.ofSeconds(5), () -> pings.get() >= 3); // each left a 30 s check behind
            answered.stop();
            // nothing of either heartbeat stays queued (a ping under way when stop() came finishes first): a closed
            // connection is not kept reachable by its timers for the 30 s of its checks
            Poll.until("no timer left (queued: " + timers.getQueue().size() + ")", Duration.ofSeconds(5),
                    () -> timers.getActiveCount() == 0 && timers.getQueue().isEmpty());
        } finally {
            timers.shutdownNow();
        }
    }

    private static RpcClientException.Kind failureKind(CompletableFuture<?> f) throws Exception {
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return ((RpcClientException) e.getCause()).kind();
        }
        throw new AssertionError("the call should have failed");
    }
}
