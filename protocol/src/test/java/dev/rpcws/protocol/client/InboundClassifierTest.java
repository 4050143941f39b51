package dev.rpcws.protocol.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rpcws.protocol.Json;
import dev.rpcws.protocol.client.Inbound.Dropped;
import dev.rpcws.protocol.client.Inbound.ErrorReply;
import dev.rpcws.protocol.client.Inbound.Event;
import dev.rpcws.protocol.client.Inbound.Malformed;
import dev.rpcws.protocol.client.Inbound.Result;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The inbound dispatch rules of protocol reference 5.4 (docs/client-behaviour.md, "Inbound dispatch"), without any socket. */
class InboundClassifierTest {
    private final PendingCalls<String> pending = new PendingCalls<>();
    private final InboundClassifier<String> classifier = new InboundClassifier<>(pending, Set.of("ev", "accountNotification")::contains);

    /** Tracks a call as the client would; the call is named after its id. */
    private String pending(long id) {
        String call = "m" + id;
        pending.track(id, call);
        return call;
    }

    private Inbound<String> classify(String frame) {
        return classifier.classify(frame);
    }

    private List<JsonNode> args(String frame) {
        Inbound<String> in = classify(frame);
        assertThat(in).isInstanceOf(Event.class);
        return ((Event<String>) in).args();
    }

    @Test
    void notificationParamsBecomeListenerArgumentsLikeTheReference() {
        assertThat(args("{\"notification\":\"ev\",\"params\":[\"a\",\"b\"]}")).containsExactly(TextNode.valueOf("a"), TextNode.valueOf("b"));
        assertThat(args("{\"notification\":\"ev\",\"params\":{\"a\":1}}")).containsExactly(Json.object().put("a", 1));
        assertThat(args("{\"notification\":\"ev\",\"params\":[[1,2]]}")).containsExactly(Json.array().add(1).add(2));
        assertThat(args("{\"notification\":\"ev\",\"params\":[]}")).isEmpty();
        assertThat(args("{\"notification\":\"ev\",\"params\":{}}")).isEmpty();
        assertThat(args("{\"notification\":\"ev\",\"params\":\"xy\"}")).containsExactly(TextNode.valueOf("x"), TextNode.valueOf("y"));
        assertThat(args("{\"notification\":\"ev\",\"params\":5}")).isEmpty();
        // the reference client crashes on these two (deviation C3)
        assertThat(args("{\"notification\":\"ev\"}")).isEmpty();
        assertThat(args("{\"notification\":\"ev\",\"params\":null}")).isEmpty();
        assertThat(((Event<String>) classify("{\"notification\":\"ev\",\"params\":[]}")).name()).isEqualTo("ev");
    }

    @Test
    void aNotificationNobodyListensToFallsThroughToIdMatchingThenToTheMethodRule() {
        String call = pending(1);
        assertThat(classify("{\"notification\":\"unheard\",\"params\":[1]}")).isInstanceOf(Dropped.class);
        assertThat(classify("{\"notification\":\"unheard\",\"result\":7,\"id\":1}")).isEqualTo(new Result<>(call, IntNode.valueOf(7)));
        assertThat(classify("{\"notification\":\"\",\"params\":[1]}")).isInstanceOf(Dropped.class);
        // no listener for the notification's name, no pending id: the method rule delivers it under the method's name
        assertThat(classify("{\"notification\":\"unheard\",\"method\":\"ev\",\"params\":[1]}"))
                .isEqualTo(new Event<String>("ev", List.of(Json.array().add(1))));
        // a heard notification is delivered and settles nothing, even with a matching id
        String two = pending(2);
        assertThat(classify("{\"notification\":\"ev\",\"params\":[1],\"result\":1,\"id\":2}")).isEqualTo(new Event<String>("ev", List.of(IntNode.valueOf(1))));
        assertThat(pending.forget(2)).isEqualTo(two);
    }

    @Test
    void repliesMatchIdsAsJavaScriptObjectKeys() {
        String one = pending(1);
        String two = pending(2);
        String three = pending(3);
        assertThat(classify("{\"jsonrpc\":\"2.0\",\"result\":\"x\",\"id\":\"1\"}")).isEqualTo(new Result<>(one, TextNode.valueOf("x")));
        assertThat(classify("{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":2.0}")).isEqualTo(new Result<>(two, NullNode.instance));
        assertThat(classify("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":1}")).isInstanceOf(Dropped.class); // settled already
        assertThat(classify("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}")).isInstanceOf(Dropped.class);
        assertThat(classify("{\"jsonrpc\":\"2.0\",\"result\":1}")).isInstanceOf(Dropped.class);
        assertThat(pending.size()).isEqualTo(1);
        assertThat(pending.forgetAll(c -> true)).containsExactly(three);
        assertThat(pending.size()).isZero();
    }

    @Test
    void repliesWithBothOrNeitherResultAndErrorAreMalformed() {
        String both = pending(1);
        String neither = pending(2);
        assertThat(classify("{\"jsonrpc\":\"2.0\",\"result\":1,\"error\":null,\"id\":1}"))
                .isEqualTo(new Malformed<>(both, Json.object().put("jsonrpc", "2.0").put("result", 1).putNull("error").put("id", 1)));
        assertThat(classify("{\"jsonrpc\":\"2.0\",\"id\":2}")).isEqualTo(new Malformed<>(neither, Json.object().put("jsonrpc", "2.0").put("id", 2)));
        assertThat(pending.size()).isZero();
    }

    @Test
    void anyErrorMemberFailsTheCallWithTheErrorAsSent() {
        String one = pending(1);
        pending(2);
        pending(3);
        ErrorReply<String> object = (ErrorReply<String>) classify("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32050,\"message\":\"Server error\",\"data\":null},\"id\":1}");
        assertThat(object.call()).isEqualTo(one);
        assertThat(object.error().code()).isEqualTo(-32050);
        assertThat(object.error().hasData()).isTrue();
        assertThat(object.error().data()).isEqualTo(NullNode.instance);

        CallError bare = ((ErrorReply<String>) classify("{\"jsonrpc\":\"2.0\",\"error\":\"boom\",\"id\":2}")).error();
        assertThat(bare.code()).isNull();
        assertThat(bare.message()).isEqualTo("boom");
        assertThat(bare.data()).isEqualTo(TextNode.valueOf("boom"));

        // a falsy error still fails the call (the reference would resolve it with undefined: C9)
        assertThat(((ErrorReply<String>) classify("{\"jsonrpc\":\"2.0\",\"error\":0,\"id\":3}")).error().error()).isEqualTo(IntNode.valueOf(0));
    }

    @Test
    void standardJsonRpcNotificationsGiveTheirParamsAsOneArgument() {
        Inbound<String> solana = classify("{\"jsonrpc\":\"2.0\",\"method\":\"accountNotification\",\"params\":{\"result\":5,\"subscription\":9}}");
        assertThat(((Event<String>) solana).name()).isEqualTo("accountNotification");
        assertThat(((Event<String>) solana).args()).containsExactly(Json.object().put("result", 5).put("subscription", 9));
        assertThat(args("{\"jsonrpc\":\"2.0\",\"method\":\"ev\",\"params\":[1,2]}")).containsExactly(Json.array().add(1).add(2));
        assertThat(args("{\"jsonrpc\":\"2.0\",\"method\":\"ev\"}")).isEmpty();
        assertThat(args("{\"jsonrpc\":\"2.0\",\"method\":\"ev\",\"params\":null}")).containsExactly(NullNode.instance);
        assertThat(classify("{\"jsonrpc\":\"2.0\",\"method\":\"unheard\",\"params\":[1]}")).isInstanceOf(Dropped.class);

        // a frame with a method whose id matches a pending call is a reply first (step 3 before step 4)
        String call = pending(5);
        assertThat(classify("{\"jsonrpc\":\"2.0\",\"method\":\"ev\",\"result\":true,\"id\":5}")).isEqualTo(new Result<>(call, BooleanNode.TRUE));
    }

    @Test
    void framesThatAreNotOneJsonObjectAreDropped() {
        pending(1);
        assertThat(classify("this is not json")).isInstanceOf(Dropped.class);
        assertThat(classify("[{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":1}]")).isInstanceOf(Dropped.class);
        assertThat(classify("42")).isInstanceOf(Dropped.class);
        assertThat(classify("null")).isInstanceOf(Dropped.class);
        assertThat(pending.size()).isEqualTo(1);
    }
}
