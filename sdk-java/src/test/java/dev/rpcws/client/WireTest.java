package dev.rpcws.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rpcws.client.support.Recorder;
import dev.rpcws.client.support.ScriptedServer;
import dev.rpcws.client.support.ScriptedServer.Peer;
import dev.rpcws.protocol.Json;
import dev.rpcws.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client against a scripted server that sends exactly what a test tells it: frames on the wire, reply
 * matching, odd server frames, restore order. Things neither real server would produce on demand.
 */
@Timeout(30)
class WireTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private final ScriptedServer server = new ScriptedServer();

    @AfterEach
    void stop() {
        server.close();
    }

    private static JsonNode frame(Peer peer) throws Exception {
        return Json.parse(peer.next());
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void requestsCarryIncreasingIdsAndOmitAbsentParams() throws Exception {
        try (RpcClient client = RpcClient.builder(server.uri("/")).build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            Peer peer = server.peer(1);
            client.call("a");
            client.call("b", List.of(1, 2));
            client.call("c", Map.of("k", "v"));
            client.call("d", NullNode.instance);
            client.notify("e", List.of(1)).get(5, TimeUnit.SECONDS);
            client.notify("f", null).get(5, TimeUnit.SECONDS);
            assertThat(peer.next()).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"id\":1}");
            assertThat(peer.next()).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"b\",\"params\":[1,2],\"id\":2}");
            assertThat(peer.next()).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"c\",\"params\":{\"k\":\"v\"},\"id\":3}");
            assertThat(peer.next()).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"d\",\"id\":4}");
            assertThat(peer.next()).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"e\",\"params\":[1]}");
            assertThat(peer.next()).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"f\"}");
        }
    }

    @Test
    void stringsGoOutAsV8WritesThem() throws Exception {
        try (RpcClient client = RpcClient.builder(server.uri("/")).build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            Peer peer = server.peer(1);
            CompletableFuture<JsonNode> echo = client.call("echo", List.of("a\uD800b", "\uDFFF", "\uD83D\uDE00", "\u00E9"));
            // lone surrogates as lower-case escapes, the astral character and the BMP one as themselves (UTF-8)
            assertThat(peer.next()).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"a\\ud800b\",\"\\udfff\",\"\uD83D\uDE00\",\"\u00E9\"],\"id\":1}");
            peer.send("{\"jsonrpc\":\"2.0\",\"result\":[\"a\\ud800b\",\"\\uDFFF\",\"\\ud83d\\ude00\"],\"id\":1}");
            assertThat(echo.get(5, TimeUnit.SECONDS)).isEqualTo(Json.array().add("a\uD800b").add("\uDFFF").add("\uD83D\uDE00"));
        }
    }

    @Test
    void unencodableParamsSendNothing() throws Exception {
        try (RpcClient client = RpcClient.builder(server.uri("/")).build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            Peer peer = server.peer(1);
            assertThat(((RpcClientException) failure(client.call("nan", List.of(Double.NaN)))).kind()).isEqualTo(RpcClientException.Kind.ENCODE_FAILED);
            assertThat(((RpcClientException) failure(client.notify("inf", Map.of("x", Double.POSITIVE_INFINITY))))
                    .kind()).isEqualTo(RpcClientException.Kind.ENCODE_FAILED);
            client.call("sentinel");
            assertThat(peer.next()).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"sentinel\",\"id\":1}"); // the first frame sent
        }
    }

    @Test
    void repliesAreMatchedAndCheckedLikeTheReference() throws Exception {
        try (RpcClient client = RpcClient.builder(server.uri("/")).callTimeout(Duration.ofMillis(500)).build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            Peer peer = server.peer(1);
            CompletableFuture<JsonNode> stringId = client.call("one");
            CompletableFuture<JsonNode> both = client.call("two");
            CompletableFuture<JsonNode> neither = client.call("three");
            CompletableFuture<JsonNode> bare = client.call("four");
            CompletableFuture<JsonNode> binary = client.call("five");
            CompletableFuture<JsonNode> nullId = client.call("six");
            for (int i = 0; i < 6; i++) peer.next();

            peer.send("{\"jsonrpc\":\"2.0\",\"result\":\"by string id\",\"id\":\"1\"}");
            peer.send("{\"jsonrpc\":\"2.0\",\"result\":1,\"error\":{\"code\":1,\"message\":\"m\"},\"id\":2}");
            peer.send("{\"jsonrpc\":\"2.0\",\"id\":3}");
            peer.send("{\"jsonrpc\":\"2.0\",\"error\":\"Socket ID does not match!\",\"id\":4}");
            peer.sendBinary("{\"jsonrpc\":\"2.0\",\"result\":\"bin-ok\",\"id\":5}");
            peer.send("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}");
            peer.send("this is not json");

            assertThat(stringId.get(5, TimeUnit.SECONDS)).isEqualTo(TextNode.valueOf("by string id"));
            assertThat(((RpcClientException) failure(both)).kind()).isEqualTo(RpcClientException.Kind.MALFORMED_REPLY);
            assertThat(((RpcClientException) failure(neither)).kind()).isEqualTo(RpcClientException.Kind.MALFORMED_REPLY);
            RpcCallException bareError = (RpcCallException) failure(bare);
            assertThat(bareError.code()).isNull();
            assertThat(bareError.data()).isEqualTo(TextNode.valueOf("Socket ID does not match!"));
            assertThat(binary.get(5, TimeUnit.SECONDS)).isEqualTo(TextNode.valueOf("bin-ok"));
            // a reply with "id":null settles nothing: the call runs into its timeout
            assertThat(((RpcClientException) failure(nullId)).kind()).isEqualTo(RpcClientException.Kind.TIMEOUT);
            assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
        }
    }

    /** Invalid UTF-8 in a binary frame is replaced as Node's decoder replaces it: an encoded surrogate gives three U+FFFD. */
    @Test
    void binaryFramesAreDecodedAsTheReferenceClientDecodesThem() throws Exception {
        try (RpcClient client = RpcClient.builder(server.uri("/")).build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            Peer peer = server.peer(1);
            CompletableFuture<JsonNode> call = client.call("bytes");
            peer.next();
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.writeBytes("{\"jsonrpc\":\"2.0\",\"result\":\"a".getBytes(StandardCharsets.UTF_8));
            frame.writeBytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80, (byte) 0xFF});
            frame.writeBytes("b\",\"id\":1}".getBytes(StandardCharsets.UTF_8));
            peer.sendBinary(frame.toByteArray());
            assertThat(call.get(5, TimeUnit.SECONDS)).isEqualTo(TextNode.valueOf("a\uFFFD\uFFFD\uFFFD\uFFFDb"));
        }
    }

    @Test
    void bothKindsOfServerNotificationReachListenersInOrder() throws Exception {
        try (RpcClient client = RpcClient.builder(server.uri("/")).build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            Peer peer = server.peer(1);
            List<String> seen = new CopyOnWriteArrayList<>();
            client.on("ev", e -> seen.add("ev" + e.args()));
            Subscription solana = client.on("accountNotification", e -> seen.add("account" + e.args()));

            peer.send("{\"notification\":\"ev\",\"params\":[\"a\",\"b\"]}");
            peer.send("{\"notification\":\"ev\"}"); // crashes the reference client (C3)
            peer.send("{\"notification\":\"unheard\",\"params\":[1]}");
            peer.send("{\"jsonrpc\":\"2.0\",\"method\":\"accountNotification\",\"params\":{\"result\":{\"lamports\":5},\"subscription\":7}}");
            peer.sendBinary("{\"notification\":\"ev\",\"params\":{\"k\":1}}");
            Poll.until("four events", WAIT, () -> seen.size() == 4);
            assertThat(seen).containsExactly("ev[\"a\", \"b\"]", "ev[]",
                    "account[{\"result\":{\"lamports\":5},\"subscription\":7}]", "ev[{\"k\":1}]");

            solana.close(); // a local listener: nothing is sent
            peer.send("{\"jsonrpc\":\"2.0\",\"method\":\"accountNotification\",\"params\":{}}");
            peer.send("{\"notification\":\"ev\",\"params\":[\"last\"]}");
            Poll.until("the last event", WAIT, () -> seen.size() == 5);
            assertThat(seen.get(4)).isEqualTo("ev[\"last\"]");
            client.call("sentinel");
            assertThat(frame(peer).get("method").textValue()).isEqualTo("sentinel"); // no rpc.off went first
        }
    }

    @Test
    void handshakeHeadersGoOutOnEveryConnectAndAServerCloseOtherThan1000Reconnects() throws Exception {
        Recorder events = new Recorder();
        try (RpcClient client = RpcClient.builder(server.uri("/some/path?x=1")).header("Authorization", "Bearer t0ken")
                .subprotocols("foo", "bar").reconnectInterval(Duration.ofMillis(50)).listener(events).build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            Peer first = server.peer(1);
            assertThat(first.pathQuery).isEqualTo("/some/path?x=1");
            assertThat(first.authorization).isEqualTo("Bearer t0ken");
            assertThat(first.offeredSubprotocols).containsExactly("foo", "bar");
            assertThat(client.subprotocol()).isEqualTo("foo");

            first.close(4000, "bye");
            Peer second = server.peer(2);
            assertThat(second.authorization).isEqualTo("Bearer t0ken");
            events.await("reconnected false", WAIT); // nothing was subscribed: nothing missed
            assertThat(events.lines()).containsExactly("open", "close 4000", "reconnecting 1 50", "open", "reconnected false");

            second.close(1000, "normal");
            events.await("close 1000", WAIT);
            Poll.until("CLOSED", WAIT, () -> client.state() == ClientState.CLOSED);
            assertThat(server.connections()).isEqualTo(2);
            assertThat(events.lines()).endsWith("close 1000");
        }
    }

    /** The end of a connection the application closed fails its own calls, not those of the next connection. */
    @Test
    void aConnectionClosingLateDoesNotFailTheCallsOfTheNextOne() throws Exception {
        try (RpcClient client = RpcClient.builder(server.uri("/")).build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            Peer first = server.peer(1);
            first.holdClose();
            CompletableFuture<Void> closed = client.close(1000, "bye");
            client.connect().get(5, TimeUnit.SECONDS); // while the first close handshake is still under way
            Peer second = server.peer(2);
            CompletableFuture<JsonNode> call = client.call("on the second");
            JsonNode sent = frame(second);

            first.answerClose();
            closed.get(5, TimeUnit.SECONDS);
            second.send("{\"jsonrpc\":\"2.0\",\"result\":\"still here\",\"id\":" + sent.get("id") + "}");
            assertThat(call.get(5, TimeUnit.SECONDS)).isEqualTo(TextNode.valueOf("still here"));
            assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
        }
    }

    @Test
    void serverPingsAreAnsweredWithPongs() throws Exception {
        try (RpcClient client = RpcClient.builder(server.uri("/")).pingInterval(Duration.ZERO).build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            Peer peer = server.peer(1);
            peer.ping("hb");
            peer.ping("hb");
            Poll.until("two pongs", WAIT, () -> peer.pongs() == 2);
        }
    }

    @Test
    void loginIsRestoredBeforeSubscriptionsAndFailuresAreReportedNotFatal() throws Exception {
        Recorder events = new Recorder();
        try (RpcClient client = RpcClient.builder(server.uri("/")).reconnectInterval(Duration.ofMillis(50)).listener(events).build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            Peer first = server.peer(1);
            CompletableFuture<JsonNode> login = client.login(Map.of("user", "ada"));
            JsonNode loginFrame = frame(first);
            first.send("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":" + loginFrame.get("id") + "}");
            login.get(5, TimeUnit.SECONDS);
            CompletableFuture<Subscription> sub = client.subscribe("ev", e -> {});
            JsonNode onFrame = frame(first);
            assertThat(onFrame.get("params")).isEqualTo(Json.array().add("ev"));
            first.send("{\"jsonrpc\":\"2.0\",\"result\":{\"ev\":\"ok\"},\"id\":" + onFrame.get("id") + "}");
            sub.get(5, TimeUnit.SECONDS);

            first.close(1001, "restart");
            Peer second = server.peer(2);
            JsonNode relogin = frame(second);
            assertThat(relogin.get("method").textValue()).isEqualTo("rpc.login");
            assertThat(relogin.get("params")).isEqualTo(Json.object().put("user", "ada"));
            second.send("{\"jsonrpc\":\"2.0\",\"result\":false,\"id\":" + relogin.get("id") + "}"); // refused this time
            JsonNode resubscribe = frame(second); // only after the login was answered
            assertThat(resubscribe.get("method").textValue()).isEqualTo("rpc.on");
            assertThat(resubscribe.get("params")).isEqualTo(Json.array().add("ev"));
            second.send("{\"jsonrpc\":\"2.0\",\"result\":{\"ev\":\"provided event invalid\"},\"id\":" + resubscribe.get("id") + "}");

            events.await("reconnected true", WAIT);
            assertThat(events.allLines()).containsExactly("open", "close 1001", "reconnecting 1 50",
                    "error RESTORE_FAILED", "error RESTORE_FAILED", "open", "reconnected true");
            assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
            assertThat(relogin.get("id").asLong()).isGreaterThan(onFrame.get("id").asLong()); // ids never restart
        }
    }

    @Test
    void withoutReconnectAFailedConnectFailsAtOnce() throws Exception {
        Recorder events = new Recorder();
        RpcClient client = RpcClient.builder("ws://127.0.0.1:1/").reconnect(false).listener(events).build();
        assertThat(((RpcClientException) failure(client.connect())).kind()).isEqualTo(RpcClientException.Kind.CONNECT_FAILED);
        assertThat(client.state()).isEqualTo(ClientState.CLOSED);
        events.await("error CONNECT_FAILED", WAIT);
        assertThat(events.lines()).isEmpty(); // no open, so no close either
    }

    @Test
    void backoffDoublesTheDelayWithJitterUpToTheCap() throws Exception {
        Recorder events = new Recorder();
        RpcClient client = RpcClient.builder("ws://127.0.0.1:1/").backoff(true).reconnectInterval(Duration.ofMillis(20))
                .maxReconnectDelay(Duration.ofMillis(100)).maxReconnects(5).listener(events).build();
        Throwable gaveUp = failure(client.connect());
        assertThat(((RpcClientException) gaveUp).kind()).isEqualTo(RpcClientException.Kind.CONNECT_FAILED);
        events.await("max 1006", WAIT);
        List<String> lines = events.lines();
        assertThat(lines).hasSize(6).last().isEqualTo("max 1006");
        long[] caps = {20, 40, 80, 100, 100};
        for (int i = 0; i < caps.length; i++) {
            String[] parts = lines.get(i).split(" ");
            assertThat(parts[1]).isEqualTo(Integer.toString(i + 1));
            assertThat(Long.parseLong(parts[2])).isBetween(caps[i] / 2, caps[i]);
        }
        assertThat(client.state()).isEqualTo(ClientState.CLOSED);
    }
}
