package dev.rpcws.protocol.client;

import com.fasterxml.jackson.databind.node.NullNode;
import dev.rpcws.protocol.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestsTest {
    @Test
    void framesCarryMembersInTheReferencesOrderAndOmitAbsentParams() {
        assertThat(Requests.call("a", Requests.params(null), 1)).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"id\":1}");
        assertThat(Requests.call("d", Requests.params(NullNode.instance), 4)).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"d\",\"id\":4}");
        assertThat(Requests.call("b", Requests.params(List.of(1, 2)), 2)).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"b\",\"params\":[1,2],\"id\":2}");
        assertThat(Requests.call("c", Requests.params(Map.of("k", "v")), 3)).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"c\",\"params\":{\"k\":\"v\"},\"id\":3}");
        assertThat(Requests.notification("e", Requests.params(new int[] {1}))).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"e\",\"params\":[1]}");
        assertThat(Requests.notification("f", null)).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"f\"}");
    }

    @Test
    void numbersThatAreNotFiniteAreRefusedWhereverTheyAre() {
        for (Object bad : List.of(List.of(Double.NaN), Map.of("x", List.of(1, Map.of("y", Double.POSITIVE_INFINITY))),
                new double[] {1, Double.NEGATIVE_INFINITY}, List.of(Float.NaN), Json.array().add(Double.NaN))) {
            assertThatThrownBy(() -> Requests.params(bad)).as("%s", bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("JSON has no form for it");
        }
        assertThat(Requests.params(List.of(Double.MAX_VALUE, -0.0, 1e-300))).isEqualTo(Json.array().add(Double.MAX_VALUE).add(-0.0).add(1e-300));
    }

    @Test
    void objectsTheCodecCannotWriteAreRefused() {
        assertThatThrownBy(() -> Requests.params(List.of(new Object()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot encode the params as JSON");
    }
}
