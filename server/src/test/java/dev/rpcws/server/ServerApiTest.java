package dev.rpcws.server;

import dev.rpcws.protocol.RpcException;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embeddable server's API and handshake behaviour. */
class ServerApiTest {
    private InProcessJetty jetty;
    private RpcServer server;

    @BeforeEach void start() {
        jetty = InProcessJetty.start();
        server = jetty.server();
    }

    @AfterEach void stop() {
        jetty.close();
    }

    record Point(int x, String label) {}

    @Test
    void handlersGetParamsAndTheSocketIdAndMayReturnAnyValue() {
        Namespace api = server.of("/api-test");
        api.register("describe", (params, ctx) -> Map.of("socket", ctx.socketId(), "ns", ctx.namespace(), "params", params));
        api.register("point", (params, ctx) -> new Point(params.get(0).asInt(), "p"));
        api.register("later", (params, ctx) -> CompletableFuture.supplyAsync(() -> List.of(1, 2)));
        api.register("refuse", (params, ctx) -> { throw new RpcException(4001, "Refused", Map.of("why", "test")); });
        try (RawClient c = RawClient.connect(jetty.wsUri("/api-test?socket_id=s1"))) {
            c.send("{\"jsonrpc\":\"2.0\",\"method\":\"describe\",\"params\":{\"a\":[1]},\"id\":1}");
            assertThat(c.nextText()).contains("\"socket\":\"s1\"").contains("\"ns\":\"/api-test\"").contains("\"params\":{\"a\":[1]}");
            c.send("{\"jsonrpc\":\"2.0\",\"method\":\"point\",\"params\":[7],\"id\":2}");
            assertThat(c.nextText()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"x\":7,\"label\":\"p\"},\"id\":2}");
            c.send("{\"jsonrpc\":\"2.0\",\"method\":\"later\",\"id\":3}");
            assertThat(c.nextText()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":[1,2],\"id\":3}");
            c.send("{\"jsonrpc\":\"2.0\",\"method\":\"refuse\",\"id\":4}");
            assertThat(c.nextText()).isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":4001,\"message\":\"Refused\",\"data\":{\"why\":\"test\"}},\"id\":4}");
        }
    }

    @Test
    void aBlockingHandlerBlocksNeitherItsConnectionNorOthers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.of("/blocking").register("block", (params, ctx) -> release.await(10, TimeUnit.SECONDS));
        server.of("/blocking").register("ping", (params, ctx) -> "pong");
        try (RawClient a = RawClient.connect(jetty.wsUri("/blocking"));
             RawClient b = RawClient.connect(jetty.wsUri("/blocking"))) {
            a.send("{\"jsonrpc\":\"2.0\",\"method\":\"block\",\"id\":1}");
            a.send("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":2}");
            assertThat(a.nextText()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":2}");
            b.send("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":3}");
            assertThat(b.nextText()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":3}");
            release.countDown();
            assertThat(a.nextText()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":1}");
        }
    }

    @Test
    void framesQueuedBehindABlockingHandlerAndRepliesBatchedBeforeItAreAllAnswered() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.of("/burst").register("block", (params, ctx) -> release.await(10, TimeUnit.SECONDS));
        server.of("/burst").register("ping", (params, ctx) -> params.get(0));
        try (RawClient a = RawClient.connect(jetty.wsUri("/burst"))) {
            a.send("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"params\":[1],\"id\":1}");
            a.send("{\"jsonrpc\":\"2.0\",\"method\":\"block\",\"id\":2}");
            for (int i = 3; i <= 10; i++) a.send("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"params\":[" + i + "],\"id\":" + i + "}");
            List<String> replies = new java.util.ArrayList<>();
            for (int i = 0; i < 9; i++) replies.add(a.nextText());
            assertThat(replies).containsExactlyInAnyOrder(java.util.stream.IntStream.of(1, 3, 4, 5, 6, 7, 8, 9, 10)
                    .mapToObj(i -> "{\"jsonrpc\":\"2.0\",\"result\":" + i + ",\"id\":" + i + "}").toArray(String[]::new));
            release.countDown();
            assertThat(a.nextText()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":2}");
        }
    }

    @Test
    void moreBlockingHandlersThanTheServerKeepsThreadsForAllRunAtOnce() throws Exception {
        int n = 16; // beyond the pool's floor: Jetty's acceptors and selectors plus one thread per core
        CyclicBarrier allInside = new CyclicBarrier(n);
        server.of("/meet").register("meet", (params, ctx) -> allInside.await(15, TimeUnit.SECONDS) >= 0);
        List<RawClient> clients = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < n; i++) clients.add(RawClient.connect(jetty.wsUri("/meet")));
            for (RawClient c : clients) c.send("{\"jsonrpc\":\"2.0\",\"method\":\"meet\",\"id\":1}");
            for (RawClient c : clients) assertThat(c.nextText()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":1}");
        } finally {
            clients.forEach(RawClient::close);
        }
    }

    @Test
    void declaringAnEventTwiceFailsAsInTheReference() {
        assertThatThrownBy(() -> server.event("newsUpdate")).hasMessage("Already registered event /newsUpdate");
        assertThat(server.of("/chat").eventList()).containsExactly("newMessage", "chatMessage");
    }

    @Test
    void protectingAnEventLaterKeepsExistingSubscribers() {
        Registration news = server.of("/later").event("news");
        try (RawClient c = RawClient.connect(jetty.wsUri("/later"))) {
            c.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"news\"],\"id\":1}");
            assertThat(c.nextText()).contains("\"news\":\"ok\"");
            news.protect();
            c.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"news\"],\"id\":2}");
            assertThat(c.nextText()).contains("-32606");
            server.of("/later").emit("news");
            assertThat(c.nextText()).isEqualTo("{\"notification\":\"news\",\"params\":[]}");
        }
    }

    @Test
    void closeNamespaceClosesItsClientsWith1000AndTheServerGoesOn() {
        try (RawClient chat = RawClient.connect(jetty.wsUri("/chat"));
             RawClient root = RawClient.connect(jetty.wsUri("/"))) {
            Poll.until("the server to hold the /chat connection", Duration.ofSeconds(5), () -> server.of("/chat").connected().size() == 1);
            server.closeNamespace("/chat");
            Poll.until("the /chat client to be closed", Duration.ofSeconds(5), () -> chat.closeCode() != -1);
            assertThat(chat.closeCode()).isEqualTo(1000);
            assertThat(server.find("/chat")).isEmpty();
            root.send("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2],\"id\":1}");
            assertThat(root.nextText()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":1}");
        }
    }

    @Test
    void closeClosesEveryClientWith1001() {
        InProcessJetty other = InProcessJetty.start();
        RawClient a = RawClient.connect(other.wsUri("/"));
        RawClient b = RawClient.connect(other.wsUri("/chat"));
        // The client's handshake can complete before the server has run its open callback.
        Poll.until("the server to hold both connections", Duration.ofSeconds(5), () -> other.server().metrics().openConnections() == 2);
        other.close();
        Poll.until("both clients closed", Duration.ofSeconds(5), () -> a.closeCode() != -1 && b.closeCode() != -1);
        assertThat(a.closeCode()).isEqualTo(1001);
        assertThat(b.closeCode()).isEqualTo(1001);
    }

    @Test
    void namespacesOnlyConnectionsCreatedAreForgottenWithTheirLastConnection() {
        try (RawClient c = RawClient.connect(jetty.wsUri("/ephemeral"))) {
            c.send("{\"jsonrpc\":\"2.0\",\"method\":\"__listMethods\",\"id\":1}");
            assertThat(c.nextText()).contains("[\"__listMethods\"]");
            assertThat(server.find("/ephemeral")).isPresent();
        }
        Poll.until("the namespace to be forgotten", Duration.ofSeconds(5), () -> server.find("/ephemeral").isEmpty());
        assertThat(server.find("/chat")).isPresent();
    }

    @Test
    void theHandshakeEchoesTheFirstSubprotocolAndDeclinesCompression() throws Exception {
        try (RawTcp raw = new RawTcp(jetty.port(), "/", "Sec-WebSocket-Protocol: foo, bar",
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits")) {
            assertThat(raw.handshakeResponse).startsWith("HTTP/1.1 101").containsIgnoringCase("Sec-WebSocket-Protocol: foo\r\n")
                    .doesNotContainIgnoringCase("Sec-WebSocket-Extensions");
        }
    }

    @Test
    void compressionCanBeTurnedOn() throws Exception {
        try (InProcessJetty deflating = InProcessJetty.start(o -> o.perMessageDeflate(true));
             RawTcp raw = new RawTcp(deflating.port(), "/", "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits")) {
            assertThat(raw.handshakeResponse).containsIgnoringCase("Sec-WebSocket-Extensions: permessage-deflate");
        }
    }

    @Test
    void plainHttpOnTheWebSocketPortGets426() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jetty.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(426);
    }

    @Test
    void repliesAreTextEvenToBinaryRequests() {
        try (RawClient c = RawClient.connect(jetty.wsUri("/"))) {
            c.sendBinary("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[2,2],\"id\":1}");
            RawClient.Frame f = c.next(Duration.ofSeconds(5));
            assertThat(f.binary()).isFalse();
            assertThat(f.text()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":4,\"id\":1}");
        }
    }

    @Test
    void globalEmitReturnsHowManyConnectionsItReached() {
        try (RawClient c = RawClient.connect(jetty.wsUri("/"))) {
            c.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"newMail\"],\"id\":1}");
            assertThat(c.nextText()).contains("\"ok\"");
            assertThat(server.emit("newMail", Map.of("from", "a"))).isEqualTo(1);
            assertThat(c.nextText()).isEqualTo("{\"notification\":\"newMail\",\"params\":{\"from\":\"a\"}}");
            assertThat(server.emit("updatedNews")).isZero();
        }
    }
}
