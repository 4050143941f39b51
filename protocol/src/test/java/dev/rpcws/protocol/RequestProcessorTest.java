package dev.rpcws.protocol;

import com.fasterxml.jackson.databind.node.BooleanNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The processing rules on their own: a processor, an in-memory peer, no sockets. */
class RequestProcessorTest {
    private InMemoryServer server;
    private InMemoryServer.Connection peer;

    @BeforeEach void setUp() {
        server = new InMemoryServer();
        InMemoryServer.Space root = server.of("/");
        root.register("notification", (p, ctx) -> true);
        root.register("trueNode", (p, ctx) -> BooleanNode.TRUE);
        root.register("trueLater", (p, ctx) -> CompletableFuture.completedFuture(true));
        root.register("cryptic", (p, ctx) -> "boohoo").protect();
        root.register("rpc.login", (p, ctx) -> "bar".equals(p.path("password").textValue()));
        root.event("secretNews").protect();
        peer = server.connect("/", null);
    }

    /** The exchange of a reported bypass: a public method whose result was {@code true} logged its caller in. */
    @Test
    void aPublicMethodReturningTrueDoesNotLogIn() {
        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":\"cryptic\",\"id\":1}"))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32605,\"message\":\"Method forbidden\"},\"id\":1}");
        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":\"notification\",\"id\":2}"))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":2}");
        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":\"cryptic\",\"id\":3}"))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32605,\"message\":\"Method forbidden\"},\"id\":3}");
        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"secretNews\"],\"id\":4}"))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32606,\"message\":\"Event forbidden\"},\"id\":4}");
        assertThat(peer.loggedIn()).isFalse();
        assertThat(peer.logIns()).isZero();
    }

    @Test
    void noOtherMethodReturningTrueLogsIn() {
        call("{\"jsonrpc\":\"2.0\",\"method\":\"trueNode\",\"id\":1}");
        call("{\"jsonrpc\":\"2.0\",\"method\":\"trueLater\",\"id\":2}");
        call("[{\"jsonrpc\":\"2.0\",\"method\":\"notification\",\"id\":3},{\"jsonrpc\":\"2.0\",\"method\":\"trueLater\",\"id\":4}]");
        assertThat(peer.loggedIn()).isFalse();
        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":\"cryptic\",\"id\":5}")).contains("-32605");
    }

    @Test
    void onlyAnAnsweredRpcLoginReturningTrueLogsIn() {
        call("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.login\",\"params\":{\"password\":\"bar\"}}");
        call("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.login\",\"params\":{\"password\":\"bar\"},\"id\":0}");
        call("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.login\",\"params\":{\"password\":\"nope\"},\"id\":1}");
        assertThat(peer.loggedIn()).as("a login without a truthy id, or that returned false").isFalse();
        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.login\",\"params\":{\"password\":\"bar\"},\"id\":2}"))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":2}");
        assertThat(peer.loggedIn()).isTrue();
        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":\"cryptic\",\"id\":3}")).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":\"boohoo\",\"id\":3}");
    }

    /** Exception texts are for operators: the client reads only an RpcException's error (deviation D9). */
    @Test
    void anUnexpectedExceptionAnswersInternalErrorAndIsReportedWithItsMethod() {
        IllegalStateException internal = new IllegalStateException("Cannot invoke \"JsonNode.asDouble()\" because ... is null");
        server.of("/").register("broken", (p, ctx) -> { throw internal; });
        server.of("/").register("brokenLater", (p, ctx) -> CompletableFuture.failedFuture(internal));
        server.of("/").register("refused", (p, ctx) -> { throw new RpcException(-32602, "Invalid params", "the client's fault"); });
        String internalError = "{\"code\":-32000,\"message\":\"Error\",\"data\":\"Internal error\"}";

        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":\"broken\",\"id\":1}"))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":" + internalError + ",\"id\":1}");
        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":\"brokenLater\",\"id\":2}"))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":" + internalError + ",\"id\":2}");
        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":\"broken\"}")).as("a notification is not answered").isNull();
        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":\"refused\",\"id\":3}"))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"Invalid params\",\"data\":\"the client's fault\"},\"id\":3}");
        assertThat(peer.handlerFailures()).as("reported to the server, notification included; RpcException is no failure")
                .containsExactly("broken: " + internal, "brokenLater: " + internal, "broken: " + internal);
    }

    @Test
    void aResultThatCannotBeWrittenAsJsonIsAHandlerFailure() {
        server.of("/").register("unwritable", (p, ctx) -> new Object());
        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":\"unwritable\",\"id\":1}"))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"Error\",\"data\":\"Internal error\"},\"id\":1}");
        assertThat(peer.handlerFailures()).singleElement().asString().startsWith("unwritable: java.lang.IllegalArgumentException");
    }

    @Test
    void aLoginHandlerFailureAnswersAuthenticationFailedAndIsReported() {
        server.of("/").register("rpc.login", (p, ctx) -> { throw new IllegalStateException("password file /etc/secret unreadable"); });
        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.login\",\"params\":{\"u\":1},\"id\":1}"))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"Error\",\"data\":\"authentication failed\"},\"id\":1}");
        assertThat(peer.handlerFailures()).containsExactly("rpc.login: java.lang.IllegalStateException: password file /etc/secret unreadable");
        assertThat(peer.loggedIn()).isFalse();
    }

    /** Sends a frame whose reply completes synchronously and returns it (null when there is none). */
    private String call(String frame) {
        peer.send(frame);
        return peer.poll();
    }
}
