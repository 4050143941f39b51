package dev.rpcws.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rpcws.client.support.Backend;
import dev.rpcws.client.support.Recorder;
import dev.rpcws.client.support.SharedServers;
import dev.rpcws.protocol.Json;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.ServerUnderTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Every API of the client against both servers: the Jetty server and the Node reference server. */
@Timeout(30)
class RpcClientApiTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Map<String, String> GOOD_LOGIN = Map.of("username", "foo", "password", "bar");

    record Subtraction(int minuend, int subtrahend) {}

    private static RpcClient connected(Backend backend, String path) throws Exception {
        return connected(RpcClient.builder(SharedServers.of(backend).wsUri(path)).callTimeout(WAIT));
    }

    private static RpcClient connected(RpcClient.Builder builder) throws Exception {
        RpcClient client = builder.build();
        client.connect().get(5, TimeUnit.SECONDS);
        return client;
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(5, TimeUnit.SECONDS);
    }

    /** The failure of a future that must fail. */
    private static Throwable failure(CompletableFuture<?> f) {
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("the future did not fail in time: " + e, e);
        }
        throw new AssertionError("the future succeeded but should have failed");
    }

    private static RpcClientException.Kind kind(CompletableFuture<?> f) {
        Throwable t = failure(f);
        assertThat(t).isInstanceOf(RpcClientException.class);
        return ((RpcClientException) t).kind();
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void connectsAndClosesWithLifecycleCallbacks(Backend backend) throws Exception {
        Recorder events = new Recorder();
        RpcClient client = RpcClient.builder(SharedServers.of(backend).wsUri("/")).listener(events).build();
        assertThat(client.state()).isEqualTo(ClientState.DISCONNECTED);

        await(client.connect());
        assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(client.connect()).succeedsWithin(WAIT); // already connected: nothing to do

        await(client.close(1000, "bye"));
        assertThat(client.state()).isEqualTo(ClientState.CLOSED);
        events.await("close", WAIT);
        assertThat(events.allLines()).containsExactly("open", "close 1000");
        assertThat(events.entries()).allSatisfy(e -> assertThat(e.thread()).startsWith("rpcws-client-callback"));
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void callsWithPositionalNamedAndNoParams(Backend backend) throws Exception {
        try (RpcClient client = connected(backend, "/")) {
            assertThat(await(client.call("sum", List.of(5, 3))).asInt()).isEqualTo(8);
            assertThat(await(client.call("sum", new int[]{1, 2, 3})).asInt()).isEqualTo(6);
            assertThat(await(client.call("subtract", Map.of("minuend", 42, "subtrahend", 23))).asInt()).isEqualTo(19);
            assertThat(await(client.call("subtract", new Subtraction(10, 4))).asInt()).isEqualTo(6);
            assertThat(await(client.call("greet")).textValue()).isEqualTo("Hello, subscriber!");
            assertThat(await(client.call("greet", List.of("Ada"))).textValue()).isEqualTo("Hello, Ada!");
            assertThat(await(client.call("echo", Json.array().add("x").add(Json.object().put("k", 1)))))
                    .isEqualTo(Json.array().add("x").add(Json.object().put("k", 1)));
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void typedCalls(Backend backend) throws Exception {
        try (RpcClient client = connected(backend, "/")) {
            assertThat(await(client.call("sum", List.of(20, 22), Integer.class))).isEqualTo(42);
            Map<String, List<Integer>> echoed = await(client.call("echo", Map.of("a", List.of(1, 2)), new TypeReference<Map<String, List<Integer>>>() {}));
            assertThat(echoed).isEqualTo(Map.of("a", List.of(1, 2)));
            assertThat(await(client.call("sqrt", List.of(16), Double.class, Duration.ofSeconds(2)))).isEqualTo(4.0);
            assertThat(await(client.listMethods())).startsWith("__listMethods", "sum").endsWith("rpc.login").contains("cryptic");

            Throwable misfit = failure(client.call("greet", null, Integer.class));
            assertThat(((RpcClientException) misfit).kind()).isEqualTo(RpcClientException.Kind.UNEXPECTED_RESULT);
            assertThat(((RpcClientException) misfit).detail()).isEqualTo(TextNode.valueOf("Hello, subscriber!"));
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void errorRepliesCarryCodeMessageAndDataExactly(Backend backend) throws Exception {
        try (RpcClient client = connected(backend, "/")) {
            RpcCallException withData = (RpcCallException) failure(client.call("throwsSrvError"));
            assertThat(withData.kind()).isEqualTo(RpcClientException.Kind.SERVER_ERROR);
            assertThat(withData.detail()).isEqualTo(withData.error());
            assertThat(withData.method()).isEqualTo("throwsSrvError");
            assertThat(withData.code()).isEqualTo(-32050);
            assertThat(withData.errorMessage()).isEqualTo("Server error");
            assertThat(withData.hasData()).isTrue();
            assertThat(withData.data()).isEqualTo(TextNode.valueOf("Server error details"));

            RpcCallException nullData = (RpcCallException) failure(client.call("throwsNoData"));
            assertThat(nullData.code()).isEqualTo(-32051);
            assertThat(nullData.hasData()).isTrue();
            assertThat(nullData.data().isNull()).isTrue();

            RpcCallException noData = (RpcCallException) failure(client.call("no.such.method"));
            assertThat(noData.code()).isEqualTo(-32601);
            assertThat(noData.errorMessage()).isEqualTo("Method not found");
            assertThat(noData.hasData()).isFalse();
            assertThat(noData.data()).isNull();

            RpcCallException handlerThrew = (RpcCallException) failure(client.call("throwsJsError"));
            assertThat(handlerThrew.code()).isEqualTo(-32000);
            // Deviation D9: the Jetty server keeps an unexpected exception's message in its log.
            assertThat(handlerThrew.data()).isEqualTo(TextNode.valueOf(backend == Backend.JETTY ? "Internal error" : "Server error details"));

            assertThat(failure(client.call("cryptic"))).isInstanceOf(RpcCallException.class)
                    .satisfies(e -> assertThat(((RpcCallException) e).code()).isEqualTo(-32605));
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void bareErrorValuesHaveNoCodeAndTheValueAsData(Backend backend) throws Exception {
        try (RpcClient first = connected(backend, "/"); RpcClient second = connected(backend, "/")) {
            await(first.login(GOOD_LOGIN));
            await(second.login(GOOD_LOGIN)); // now the last connection to log in: sqrt_protected refuses the first
            assertThat(await(second.call("sqrt_protected", List.of(9))).asDouble()).isEqualTo(3.0);

            RpcCallException bare = (RpcCallException) failure(first.call("sqrt_protected", List.of(9)));
            assertThat(bare.isErrorObject()).isFalse();
            assertThat(bare.code()).isNull();
            assertThat(bare.errorMessage()).isEqualTo("Socket ID does not match!");
            assertThat(bare.hasData()).isTrue();
            assertThat(bare.data()).isEqualTo(TextNode.valueOf("Socket ID does not match!"));
            assertThat(bare.error()).isEqualTo(TextNode.valueOf("Socket ID does not match!"));
        }
    }

    /** Lone surrogates go out as V8 writes them (lower-case escapes), astral characters as themselves; both come back exactly. */
    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void stringsRoundTripExactly(Backend backend) throws Exception {
        List<String> strings = List.of("a\uD800b", "\uDC00", "x\uDBFF", "\uDFFF\uD800", "\uD83D\uDE00", "a\uD83D\uDE00b\uD800",
                "\u00E9\u4E2D\u2028\u0000\u007F", "\uD800\uD800\uDC00");
        try (RpcClient client = connected(backend, "/")) {
            JsonNode echoed = await(client.call("echo", strings));
            assertThat(echoed).hasSize(strings.size());
            for (int i = 0; i < strings.size(); i++) {
                assertThat(echoed.get(i).textValue()).as("element %d", i).isEqualTo(strings.get(i));
            }
            // as member names only whole pairs: a lone surrogate in a name is not read (deviation D13)
            Map<String, String> named = await(client.call("echo", Map.of("k\uD83D\uDE00", "v\uDFFF"), new TypeReference<Map<String, String>>() {}));
            assertThat(named).isEqualTo(Map.of("k\uD83D\uDE00", "v\uDFFF"));
        }
    }

    /** A value JSON cannot hold fails its own call before anything is sent; the connection and the other calls go on. */
    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void paramsThatCannotBeEncodedFailThatCallAlone(Backend backend) throws Exception {
        Recorder events = new Recorder();
        try (RpcClient client = connected(RpcClient.builder(SharedServers.of(backend).wsUri("/")).callTimeout(WAIT).listener(events))) {
            CompletableFuture<JsonNode> inFlight = client.call("hang", List.of(300));
            JsonNode tooDeep = Json.array();
            for (int i = 0; i < 1200; i++) tooDeep = Json.array().add(tooDeep);
            for (CompletableFuture<?> bad : List.of(
                    client.call("echo", List.of(1, Double.NaN)),
                    client.call("echo", Map.of("x", List.of(Double.POSITIVE_INFINITY))),
                    client.call("echo", List.of(new Object())), // Jackson cannot write it
                    client.call("echo", tooDeep),               // deeper than the codec writes
                    client.call("echo", List.of(Double.NaN), Integer.class),
                    client.notify("echo", List.of(Double.NEGATIVE_INFINITY)),
                    client.login(Map.of("password", Double.NaN)))) {
                RpcClientException e = (RpcClientException) failure(bad);
                assertThat(e.kind()).isEqualTo(RpcClientException.Kind.ENCODE_FAILED);
                assertThat(e.getMessage()).contains("cannot be sent");
            }
            assertThat(await(inFlight).textValue()).isEqualTo("done");
            assertThat(await(client.call("echo", List.of(1.5, "x")))).isEqualTo(Json.array().add(1.5).add("x"));
            assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
            assertThat(events.allLines()).containsExactly("open");
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void callsTimeOutAndLateRepliesAreIgnored(Backend backend) throws Exception {
        try (RpcClient client = connected(RpcClient.builder(SharedServers.of(backend).wsUri("/")).callTimeout(Duration.ofMillis(200)))) {
            CompletableFuture<JsonNode> byDefault = client.call("hang", List.of(600));
            CompletableFuture<JsonNode> ownTimeout = client.call("hang", List.of(600), Duration.ofMillis(100));
            CompletableFuture<JsonNode> waitsLonger = client.call("hang", List.of(300), Duration.ofSeconds(3));
            CompletableFuture<JsonNode> forever = client.call("hang", List.of(400), Duration.ZERO);

            assertThat(kind(ownTimeout)).isEqualTo(RpcClientException.Kind.TIMEOUT);
            assertThat(kind(byDefault)).isEqualTo(RpcClientException.Kind.TIMEOUT);
            assertThat(await(waitsLonger).textValue()).isEqualTo("done");
            assertThat(await(forever).textValue()).isEqualTo("done");
            // the replies to the timed-out calls arrive at ~600 ms and are dropped; the connection stays usable
            assertThat(await(client.call("hang", List.of(400), Duration.ofSeconds(3))).textValue()).isEqualTo("done");
            assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void notificationsAreSentWithoutWaitingForAReply(Backend backend) throws Exception {
        try (RpcClient client = connected(backend, "/")) {
            assertThat(client.notify("sum", List.of(1, 2))).succeedsWithin(WAIT);
            assertThat(client.notify("no.such.method", null)).succeedsWithin(WAIT); // its error reply (id null) is dropped
            assertThat(await(client.call("sum", List.of(1, 2))).asInt()).isEqualTo(3);
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void subscribedListenersReceiveEventsUntilTheyUnsubscribe(Backend backend) throws Exception {
        ServerUnderTest server = SharedServers.of(backend);
        try (RpcClient client = connected(backend, "/")) {
            List<RpcEvent> news = new CopyOnWriteArrayList<>();
            List<RpcEvent> mail = new CopyOnWriteArrayList<>();
            Subscription newsSub = await(client.subscribe("newsUpdate", news::add));
            await(client.subscribe("newMail", mail::add));

            server.admin().emit("newsUpdate", TextNode.valueOf("fox"), TextNode.valueOf("mtv"));
            server.admin().emit("newsUpdate", Json.object().put("foo", "bar"));
            server.admin().emitIn("/", "newsUpdate");
            server.admin().emit("newMail", TextNode.valueOf("sentinel"));
            Poll.until("the mail sentinel", WAIT, () -> mail.size() == 1);
            assertThat(news).extracting(RpcEvent::name).containsOnly("newsUpdate");
            assertThat(news).extracting(RpcEvent::args).containsExactly(
                    List.of(TextNode.valueOf("fox"), TextNode.valueOf("mtv")),
                    List.of(Json.object().put("foo", "bar")),
                    List.of());
            assertThat(news.get(0).arg(0, String.class)).isEqualTo("fox");

            await(newsSub.unsubscribe()); // the last newsUpdate listener: rpc.off
            server.admin().emit("newsUpdate", TextNode.valueOf("after rpc.off"));
            server.admin().emit("newMail", TextNode.valueOf("second sentinel"));
            Poll.until("the second mail sentinel", WAIT, () -> mail.size() == 2);
            assertThat(news).hasSize(3);

            await(client.unsubscribe("newMail"));
            assertThat(await(client.call("sum", List.of(1, 1))).asInt()).isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void twoListenersShareOneServerSubscription(Backend backend) throws Exception {
        ServerUnderTest server = SharedServers.of(backend);
        try (RpcClient client = connected(backend, "/")) {
            List<String> seen = new CopyOnWriteArrayList<>();
            Subscription a = await(client.subscribe("updatedNews", e -> seen.add("a:" + e.arg(0).textValue())));
            Subscription b = await(client.subscribe("updatedNews", e -> seen.add("b:" + e.arg(0).textValue())));
            Subscription local = client.on("updatedNews", e -> seen.add("local:" + e.arg(0).textValue())); // no rpc.on of its own
            server.admin().emit("updatedNews", TextNode.valueOf("1"));
            Poll.until("all three listeners", WAIT, () -> seen.size() == 3);
            assertThat(seen).containsExactly("a:1", "b:1", "local:1");
            local.close();

            a.close(); // b still listens: no rpc.off yet
            server.admin().emit("updatedNews", TextNode.valueOf("2"));
            Poll.until("listener b", WAIT, () -> seen.size() == 4);
            assertThat(seen).endsWith("b:2");
            await(b.unsubscribe());
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void subscriptionStatusesAreSurfaced(Backend backend) throws Exception {
        ServerUnderTest server = SharedServers.of(backend);
        try (RpcClient client = connected(backend, "/")) {
            Throwable invalid = failure(client.subscribe("nope", e -> {}));
            assertThat(invalid).isInstanceOf(RpcClientException.class).hasMessageContaining("provided event invalid");
            assertThat(((RpcClientException) invalid).kind()).isEqualTo(RpcClientException.Kind.SUBSCRIPTION_FAILED);
            assertThat(((RpcClientException) invalid).detail()).isEqualTo(Json.object().put("nope", "provided event invalid"));

            Throwable forbidden = failure(client.subscribe("secretNews", e -> {}));
            assertThat(forbidden).isInstanceOf(RpcCallException.class);
            assertThat(((RpcCallException) forbidden).code()).isEqualTo(-32606);

            await(client.login(GOOD_LOGIN));
            List<RpcEvent> secrets = new CopyOnWriteArrayList<>();
            await(client.subscribe("secretNews", secrets::add)); // the failed attempt left nothing behind
            server.admin().emit("secretNews", TextNode.valueOf("psst"));
            Poll.until("the secret", WAIT, () -> secrets.size() == 1);
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void loginFailsOnAFalsyResultAndUnlocksProtectedMethods(Backend backend) throws Exception {
        try (RpcClient client = connected(backend, "/")) {
            Throwable wrong = failure(client.login(Map.of("username", "foo", "password", "nope")));
            assertThat(((RpcClientException) wrong).kind()).isEqualTo(RpcClientException.Kind.AUTH_FAILED);
            assertThat(((RpcClientException) wrong).detail().booleanValue()).isFalse();

            assertThat(await(client.login(GOOD_LOGIN)).booleanValue()).isTrue();
            assertThat(await(client.call("cryptic")).textValue()).isEqualTo("boohoo");
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void theUrlPathIsTheNamespace(Backend backend) throws Exception {
        try (RpcClient chat = connected(backend, "/chat")) {
            assertThat(await(chat.call("chatOnly")).textValue()).isEqualTo("in chat");
            assertThat(((RpcCallException) failure(chat.call("sum", List.of(1)))).code()).isEqualTo(-32601);
            assertThat(await(chat.listMethods())).containsExactly("__listMethods", "chatOnly");
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void offeredSubprotocolsAreNegotiated(Backend backend) throws Exception {
        try (RpcClient client = connected(RpcClient.builder(SharedServers.of(backend).wsUri("/")).subprotocols("foo", "bar")
                .header("Authorization", "Bearer t0ken"))) {
            assertThat(client.subprotocol()).isEqualTo("foo");
            assertThat(await(client.call("sum", List.of(1, 1))).asInt()).isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void callsFailFastWhenNotConnected(Backend backend) throws Exception {
        RpcClient client = RpcClient.builder(SharedServers.of(backend).wsUri("/")).build();
        assertThat(kind(client.call("sum", List.of(1)))).isEqualTo(RpcClientException.Kind.NOT_CONNECTED);
        assertThat(kind(client.notify("sum", List.of(1)))).isEqualTo(RpcClientException.Kind.NOT_CONNECTED);
        assertThat(kind(client.subscribe("newsUpdate", e -> {}))).isEqualTo(RpcClientException.Kind.NOT_CONNECTED);

        await(client.connect());
        CompletableFuture<JsonNode> pending = client.call("hang", List.of(5000));
        client.close();
        assertThat(kind(pending)).isEqualTo(RpcClientException.Kind.CONNECTION_LOST);
        assertThat(kind(client.call("sum", List.of(1)))).isEqualTo(RpcClientException.Kind.NOT_CONNECTED);

        await(client.connect()); // a closed client can connect again
        assertThat(await(client.call("sum", List.of(2, 2))).asInt()).isEqualTo(4);
        client.close();
    }

    /** An application that shut its executor down first still gets a clean close, and the client's I/O threads stop. */
    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void closingAfterTheApplicationsExecutorWasShutDown(Backend backend) throws Exception {
        ExecutorService app = Executors.newSingleThreadExecutor();
        RpcClient client = connected(RpcClient.builder(SharedServers.of(backend).wsUri("/")).executor(app));
        app.shutdownNow();
        assertThat(client.close(1000, "bye")).succeedsWithin(WAIT);
        assertThat(client.state()).isEqualTo(ClientState.CLOSED);
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void callbacksRunOnTheConfiguredExecutorInOrder(Backend backend) throws Exception {
        ServerUnderTest server = SharedServers.of(backend);
        ExecutorService app = Executors.newFixedThreadPool(4, r -> new Thread(r, "app-pool"));
        try (RpcClient client = connected(RpcClient.builder(server.wsUri("/")).executor(app))) {
            // the reply takes 100 ms, so the stage is attached before the future completes
            assertThat(client.call("hang", List.of(100)).thenApply(r -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS))
                    .isEqualTo("app-pool");
            List<String> seen = new CopyOnWriteArrayList<>();
            await(client.subscribe("newMessage", e -> {
                // a listener may block on a call: replies complete outside the listeners' lane
                String sum = client.call("sum", List.of(e.arg(0).asInt(), 0)).join().asText();
                seen.add(Thread.currentThread().getName() + ":" + sum);
            }));
            for (int i = 1; i <= 20; i++) server.admin().emit("newMessage", Json.mapper().getNodeFactory().numberNode(i));
            Poll.until("20 events", WAIT, () -> seen.size() == 20);
            assertThat(seen).allMatch(s -> s.startsWith("app-pool:"));
            assertThat(seen.stream().map(s -> Integer.parseInt(s.substring("app-pool:".length()))).toList())
                    .isEqualTo(java.util.stream.IntStream.rangeClosed(1, 20).boxed().toList());
        } finally {
            app.shutdownNow();
        }
    }
}
