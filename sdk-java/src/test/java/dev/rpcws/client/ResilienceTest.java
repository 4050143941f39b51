package dev.rpcws.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rpcws.client.support.Backend;
import dev.rpcws.client.support.Recorder;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.ServerUnderTest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Drops, restarts and give-ups, against both servers. */
@Timeout(60)
class ResilienceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Map<String, String> GOOD_LOGIN = Map.of("username", "foo", "password", "bar");

    private static RpcClient.Builder client(ServerUnderTest server, Recorder events) {
        return RpcClient.builder(server.wsUri("/")).listener(events).callTimeout(WAIT).reconnectInterval(Duration.ofMillis(100));
    }

    private static RpcClientException failure(CompletableFuture<?> f, Duration within) {
        try {
            f.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(RpcClientException.class);
            return (RpcClientException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError("the future did not fail within " + within.toMillis() + " ms: " + e, e);
        }
        throw new AssertionError("the future succeeded but should have failed");
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void afterARestartPendingCallsHaveFailedAndLoginAndSubscriptionsAreBack(Backend backend) throws Exception {
        ServerUnderTest server = backend.start(0);
        int port = server.port();
        Recorder events = new Recorder();
        Recorder patientEvents = new Recorder();
        try (RpcClient client = client(server, events).maxReconnects(0).build();
             RpcClient patient = client(server, patientEvents).maxReconnects(0).waitForReconnect(true).build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            patient.connect().get(5, TimeUnit.SECONDS);
            client.login(GOOD_LOGIN).get(5, TimeUnit.SECONDS);
            List<RpcEvent> news = new CopyOnWriteArrayList<>();
            List<RpcEvent> secrets = new CopyOnWriteArrayList<>();
            client.subscribe("newsUpdate", news::add).get(5, TimeUnit.SECONDS);
            client.subscribe("secretNews", secrets::add).get(5, TimeUnit.SECONDS); // protected: needs the login first
            CompletableFuture<JsonNode> pending = client.call("hang", List.of(30_000), Duration.ofSeconds(30));

            long crashed = System.nanoTime();
            backend.crash(server);
            RpcClientException lost = failure(pending, Duration.ofSeconds(3));
            assertThat(lost.kind()).isEqualTo(RpcClientException.Kind.CONNECTION_LOST);
            assertThat(Duration.ofNanos(System.nanoTime() - crashed)).isLessThan(Duration.ofSeconds(3)); // not the 30 s timeout

            events.await("reconnecting", WAIT);
            assertThat(client.state()).isIn(ClientState.RECONNECTING, ClientState.CONNECTING);
            assertThat(failure(client.call("sum", List.of(1)), WAIT).kind()).isEqualTo(RpcClientException.Kind.NOT_CONNECTED);
            CompletableFuture<JsonNode> waiting = patient.call("sum", List.of(20, 22)); // waits for the reconnect

            server = backend.start(port);
            events.await("reconnected", WAIT);
            List<String> lines = events.lines();
            assertThat(lines).startsWith("open", "close " + dropCode(backend), "reconnecting 1 100").endsWith("open", "reconnected true");
            assertThat(lines.subList(2, lines.size() - 2)).allMatch(l -> l.startsWith("reconnecting ")); // as long as the restart took
            assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
            assertThat(waiting.get(5, TimeUnit.SECONDS).asInt()).isEqualTo(42);

            // restored before "reconnected": no new login or subscribe from the application
            assertThat(client.call("cryptic").get(5, TimeUnit.SECONDS).textValue()).isEqualTo("boohoo");
            server.admin().emit("newsUpdate", TextNode.valueOf("after the restart"));
            server.admin().emit("secretNews", TextNode.valueOf("still secret"));
            Poll.until("both events after the restart", WAIT, () -> news.size() == 1 && secrets.size() == 1);
            assertThat(news.get(0).arg(0).textValue()).isEqualTo("after the restart");
            assertThat(events.allLines()).doesNotContain("error RESTORE_FAILED").noneMatch(l -> l.startsWith("error foreign"));
        } finally {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void withoutRestoreTheApplicationResubscribesItself(Backend backend) throws Exception {
        ServerUnderTest server = backend.start(0);
        int port = server.port();
        Recorder events = new Recorder();
        try (RpcClient client = client(server, events).maxReconnects(0).restoreOnReconnect(false).build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            client.login(GOOD_LOGIN).get(5, TimeUnit.SECONDS);
            List<RpcEvent> news = new CopyOnWriteArrayList<>();
            client.subscribe("newsUpdate", news::add).get(5, TimeUnit.SECONDS);

            backend.crash(server);
            events.await("reconnecting", WAIT);
            server = backend.start(port);
            events.await("reconnected true", WAIT); // listeners exist, so events may have been missed

            RpcCallException forbidden = (RpcCallException) catchCause(client.call("cryptic"));
            assertThat(forbidden.code()).isEqualTo(-32605);
            client.subscribe("newsUpdate", news::add).get(5, TimeUnit.SECONDS); // sends rpc.on again
            server.admin().emit("newsUpdate", TextNode.valueOf("x"));
            Poll.until("the event", WAIT, () -> news.size() == 2); // two listeners now
        } finally {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void givesUpAfterMaxReconnectsAttempts(Backend backend) throws Exception {
        ServerUnderTest server = backend.start(0);
        Recorder events = new Recorder();
        try (RpcClient client = client(server, events).maxReconnects(3).reconnectInterval(Duration.ofMillis(50))
                .waitForReconnect(true).build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            backend.crash(server);
            events.await("reconnecting 1", WAIT);
            CompletableFuture<JsonNode> waiting = client.call("sum", List.of(1));

            events.await("max", WAIT);
            assertThat(events.lines()).containsExactly("open", "close " + dropCode(backend),
                    "reconnecting 1 50", "reconnecting 2 50", "reconnecting 3 50", "max 1006");
            assertThat(events.count("error CONNECT_FAILED")).isEqualTo(3);
            assertThat(events.allLines()).noneMatch(l -> l.startsWith("error foreign"));
            assertThat(client.state()).isEqualTo(ClientState.CLOSED);
            assertThat(failure(waiting, WAIT).kind()).isEqualTo(RpcClientException.Kind.NOT_CONNECTED);
        } finally {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void anApplicationCloseNeverReconnects(Backend backend) throws Exception {
        ServerUnderTest server = backend.start(0);
        Recorder events = new Recorder();
        try (RpcClient client = client(server, events).reconnectInterval(Duration.ofMillis(50)).build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            CompletableFuture<JsonNode> pending = client.call("hang", List.of(5000));
            client.close(4000, "going away for good").get(5, TimeUnit.SECONDS); // not 1000, still final
            assertThat(failure(pending, WAIT).kind()).isEqualTo(RpcClientException.Kind.CONNECTION_LOST);
            events.await("close", WAIT);
            // a negative: nothing happens for six reconnect intervals
            Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> client.state() == ClientState.CLOSED && events.count("reconnecting") == 0);
            assertThat(events.allLines()).containsExactly("open", "close 4000");
        } finally {
            server.close();
        }
    }

    /** A closed in-process Jetty server says goodbye with 1001; a killed Node process just vanishes (1006). */
    private static int dropCode(Backend backend) {
        return backend == Backend.JETTY ? 1001 : 1006;
    }

    private static Throwable catchCause(CompletableFuture<?> f) throws Exception {
        try {
            f.get(5, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
