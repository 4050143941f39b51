package dev.rpcws.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventParamsTest {
    private static JsonNode j(String json) throws Exception {
        return Json.parse(json);
    }

    @Test
    void globalEmitFlattensExactlyOneObjectOrArray() throws Exception {
        assertThat(Json.write(EventParams.forGlobalEmit(List.of()))).isEqualTo("[]");
        assertThat(Json.write(EventParams.forGlobalEmit(List.of(j("\"fox\""))))).isEqualTo("[\"fox\"]");
        assertThat(Json.write(EventParams.forGlobalEmit(List.of(j("{\"foo\":\"bar\"}"))))).isEqualTo("{\"foo\":\"bar\"}");
        assertThat(Json.write(EventParams.forGlobalEmit(List.of(j("[1,2]"))))).isEqualTo("[1,2]");
        assertThat(Json.write(EventParams.forGlobalEmit(List.of(j("null"))))).isEqualTo("[null]");
        assertThat(Json.write(EventParams.forGlobalEmit(List.of(j("{}"), j("{}"))))).isEqualTo("[{},{}]");
    }

    @Test
    void namespaceEmitNeverFlattens() throws Exception {
        assertThat(Json.write(EventParams.forNamespaceEmit(List.of(j("{\"foo\":\"bar\"}"))))).isEqualTo("[{\"foo\":\"bar\"}]");
    }

    @Test
    void listenerArgumentsFollowTheReferenceClient() throws Exception {
        assertThat(EventParams.toListenerArgs(j("[]"))).isEmpty();
        assertThat(EventParams.toListenerArgs(j("{}"))).isEmpty();
        assertThat(EventParams.toListenerArgs(j("{\"a\":1}"))).containsExactly(j("{\"a\":1}"));
        assertThat(EventParams.toListenerArgs(j("[\"a\",\"b\"]"))).containsExactly(j("\"a\""), j("\"b\""));
        assertThat(EventParams.toListenerArgs(j("[[1,2]]"))).containsExactly(j("[1,2]"));
        assertThat(EventParams.toListenerArgs(j("\"xy\""))).containsExactly(j("\"x\""), j("\"y\""));
        assertThat(EventParams.toListenerArgs(j("5"))).isEmpty();
        assertThat(EventParams.toListenerArgs(null)).isEmpty();
        assertThat(EventParams.toListenerArgs(j("null"))).isEmpty();
    }
}
