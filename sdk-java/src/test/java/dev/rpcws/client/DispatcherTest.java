package dev.rpcws.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rpcws.client.Dispatcher.Dropped;
import dev.rpcws.client.Dispatcher.Event;
import dev.rpcws.client.Dispatcher.Failed;
import dev.rpcws.client.Dispatcher.Inbound;
import dev.rpcws.client.Dispatcher.PendingCall;
import dev.rpcws.client.Dispatcher.Settled;
import dev.rpcws.protocol.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The inbound dispatch rules of protocol reference 5.4, without any socket. */
class DispatcherTest {
    private final Dispatcher dispatcher = new Dispatcher(Set.of("ev", "accountNotification")::contains);

    private PendingCall pending(long id) {
        PendingCall call = new PendingCall(id, "m" + id, new CompletableFuture<>());
        dispatcher.track(call);
        return call;
    }

    private static List<JsonNode> args(Inbound in) {
        assertThat(in).isInstanceOf(Event.class);
        return ((Event) in).args();
    }

    @Test
    void notificationParamsBecomeListenerArgumentsLikeTheReference() {
        assertThat(args(dispatcher.receive("{\"notification\":\"ev\",\"params\":[\"a\",\"b\"]}")))
                .containsExactly(TextNode.valueOf("a"), TextNode.valueOf("b"));
        assertThat(args(dispatcher.receive("{\"notification\":\"ev\",\"params\":{\"a\":1}}")))
                .containsExactly(Json.object().put("a", 1));
        assertThat(args(dispatcher.receive("{\"notification\":\"ev\",\"params\":[[1,2]]}")))
                .containsExactly(Json.array().add(1).add(2));
        assertThat(args(dispatcher.receive("{\"notification\":\"ev\",\"params\":[]}"))).isEmpty();
        assertThat(args(dispatcher.receive("{\"notification\":\"ev\",\"params\":{}}"))).isEmpty();
        assertThat(args(dispatcher.receive("{\"notification\":\"ev\",\"params\":\"xy\"}")))
                .containsExactly(TextNode.valueOf("x"), TextNode.valueOf("y"));
        // the reference client crashes on these two (deviation C3)
        assertThat(args(dispatcher.receive("{\"notification\":\"ev\"}"))).isEmpty();
        assertThat(args(dispatcher.receive("{\"notification\":\"ev\",\"params\":null}"))).isEmpty();
        assertThat(((Event) dispatcher.receive("{\"notification\":\"ev\",\"params\":[]}")).name()).isEqualTo("ev");
    }

    @Test
    void aNotificationNobodyListensToFallsThroughToIdMatching() {
        PendingCall call = pending(1);
        assertThat(dispatcher.receive("{\"notification\":\"unheard\",\"params\":[1]}")).isInstanceOf(Dropped.class);
        Inbound in = dispatcher.receive("{\"notification\":\"unheard\",\"result\":7,\"id\":1}");
        assertThat(in).isEqualTo(new Settled(call, IntNode.valueOf(7)));
        assertThat(dispatcher.receive("{\"notification\":\"\",\"params\":[1]}")).isInstanceOf(Dropped.class);
    }

    @Test
    void repliesMatchIdsAsJavaScriptObjectKeys() {
        PendingCall one = pending(1);
        PendingCall two = pending(2);
        PendingCall three = pending(3);
        assertThat(dispatcher.receive("{\"jsonrpc\":\"2.0\",\"result\":\"x\",\"id\":\"1\"}")).isEqualTo(new Settled(one, TextNode.valueOf("x")));
        assertThat(dispatcher.receive("{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":2.0}")).isEqualTo(new Settled(two, NullNode.instance));
        assertThat(dispatcher.receive("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":1}")).isInstanceOf(Dropped.class); // settled already
        assertThat(dispatcher.receive("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}"))
                .isInstanceOf(Dropped.class);
        assertThat(dispatcher.receive("{\"jsonrpc\":\"2.0\",\"result\":1}")).isInstanceOf(Dropped.class);
        assertThat(dispatcher.pendingCount()).isEqualTo(1);
        assertThat(dispatcher.forgetAll()).containsExactly(three);
        assertThat(dispatcher.pendingCount()).isZero();
    }

    @Test
    void repliesWithBothOrNeitherResultAndErrorAreMalformed() {
        PendingCall both = pending(1);
        PendingCall neither = pending(2);
        for (Inbound in : List.of(
                dispatcher.receive("{\"jsonrpc\":\"2.0\",\"result\":1,\"error\":null,\"id\":1}"),
                dispatcher.receive("{\"jsonrpc\":\"2.0\",\"id\":2}"))) {
            assertThat(in).isInstanceOf(Failed.class);
            RpcClientException e = (RpcClientException) ((Failed) in).error();
            assertThat(e.kind()).isEqualTo(RpcClientException.Kind.MALFORMED_REPLY);
            assertThat(e).hasMessageContaining(Dispatcher.MALFORMED);
        }
        assertThat(dispatcher.pendingCount()).isZero();
        assertThat(List.of(both.id(), neither.id())).containsExactly(1L, 2L);
    }

    @Test
    void errorRepliesFailTheCallWithTheErrorAsSent() {
        pending(1);
        pending(2);
        pending(3);
        Failed object = (Failed) dispatcher.receive("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32050,\"message\":\"Server error\",\"data\":null},\"id\":1}");
        RpcCallException e = (RpcCallException) object.error();
        assertThat(e.method()).isEqualTo("m1");
        assertThat(e.code()).isEqualTo(-32050);
        assertThat(e.hasData()).isTrue();
        assertThat(e.data()).isEqualTo(NullNode.instance);

        RpcCallException bare = (RpcCallException) ((Failed) dispatcher.receive("{\"jsonrpc\":\"2.0\",\"error\":\"boom\",\"id\":2}")).error();
        assertThat(bare.code()).isNull();
        assertThat(bare.errorMessage()).isEqualTo("boom");
        assertThat(bare.data()).isEqualTo(TextNode.valueOf("boom"));

        // a falsy error still fails the call (the reference would resolve it with undefined)
        RpcCallException falsy = (RpcCallException) ((Failed) dispatcher.receive("{\"jsonrpc\":\"2.0\",\"error\":0,\"id\":3}")).error();
        assertThat(falsy.error()).isEqualTo(IntNode.valueOf(0));
    }

    @Test
    void standardJsonRpcNotificationsGiveTheirParamsAsOneArgument() {
        Inbound solana = dispatcher.receive("{\"jsonrpc\":\"2.0\",\"method\":\"accountNotification\",\"params\":{\"result\":5,\"subscription\":9}}");
        assertThat(((Event) solana).name()).isEqualTo("accountNotification");
        assertThat(args(solana)).containsExactly(Json.object().put("result", 5).put("subscription", 9));
        assertThat(args(dispatcher.receive("{\"jsonrpc\":\"2.0\",\"method\":\"ev\",\"params\":[1,2]}"))).containsExactly(Json.array().add(1).add(2));
        assertThat(args(dispatcher.receive("{\"jsonrpc\":\"2.0\",\"method\":\"ev\"}"))).isEmpty();
        assertThat(args(dispatcher.receive("{\"jsonrpc\":\"2.0\",\"method\":\"ev\",\"params\":null}"))).containsExactly(NullNode.instance);
        assertThat(dispatcher.receive("{\"jsonrpc\":\"2.0\",\"method\":\"unheard\",\"params\":[1]}")).isInstanceOf(Dropped.class);

        // a frame with a method whose id matches a pending call is a reply first (step 3 before step 4)
        PendingCall call = pending(5);
        assertThat(dispatcher.receive("{\"jsonrpc\":\"2.0\",\"method\":\"ev\",\"result\":true,\"id\":5}"))
                .isEqualTo(new Settled(call, com.fasterxml.jackson.databind.node.BooleanNode.TRUE));
    }

    @Test
    void framesThatAreNotOneJsonObjectAreDropped() {
        pending(1);
        assertThat(dispatcher.receive("this is not json")).isInstanceOf(Dropped.class);
        assertThat(dispatcher.receive("[{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":1}]")).isInstanceOf(Dropped.class);
        assertThat(dispatcher.receive("42")).isInstanceOf(Dropped.class);
        assertThat(dispatcher.receive("null")).isInstanceOf(Dropped.class);
        assertThat(dispatcher.pendingCount()).isEqualTo(1);
    }

    @Test
    void aForgottenCallIgnoresItsLateReply() {
        PendingCall call = pending(1);
        assertThat(dispatcher.forget(1)).isEqualTo(call);
        assertThat(dispatcher.forget(1)).isNull();
        assertThat(dispatcher.receive("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":1}")).isInstanceOf(Dropped.class);
    }
}
