package dev.rpcws.protocol.client;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rpcws.protocol.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CallErrorTest {
    @Test
    void anErrorObjectIsReadMemberByMember() {
        CallError noData = new CallError(Json.object().put("code", -32601).put("message", "Method not found"));
        assertThat(noData.isObject()).isTrue();
        assertThat(noData.code()).isEqualTo(-32601);
        assertThat(noData.message()).isEqualTo("Method not found");
        assertThat(noData.hasData()).isFalse();
        assertThat(noData.data()).isNull();

        CallError nullData = new CallError(Json.object().put("code", 1).put("message", "m").putNull("data"));
        assertThat(nullData.hasData()).isTrue();
        assertThat(nullData.data()).isEqualTo(NullNode.instance);

        CallError odd = new CallError(Json.object().put("code", "x").set("message", Json.array().add(1)));
        assertThat(odd.code()).isNull();
        assertThat(odd.message()).isEqualTo("[1]");
        assertThat(new CallError(Json.object()).message()).isNull();
    }

    @Test
    void aBareValueHasNoCodeItsTextAsMessageAndItselfAsData() {
        CallError text = new CallError(TextNode.valueOf("Socket ID does not match!"));
        assertThat(text.isObject()).isFalse();
        assertThat(text.code()).isNull();
        assertThat(text.message()).isEqualTo("Socket ID does not match!");
        assertThat(text.hasData()).isTrue();
        assertThat(text.data()).isEqualTo(TextNode.valueOf("Socket ID does not match!"));

        CallError zero = new CallError(IntNode.valueOf(0)); // falsy, still an error (C9)
        assertThat(zero.message()).isEqualTo("0");
        assertThat(zero.data()).isEqualTo(IntNode.valueOf(0));
        assertThat(new CallError(NullNode.instance).message()).isEqualTo("null");
    }
}
