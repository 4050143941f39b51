package dev.rpcws.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.Frames;
import dev.rpcws.protocol.Json;
import dev.rpcws.server.events.Emission;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What travels between nodes: an emission survives its envelope byte for byte, and a node knows its own envelopes. */
class EnvelopeTest {
    @Property(tries = 200)
    void aRemoteNodeEncodesTheSameNotificationAsThePublishingNode(@ForAll("emissions") Emission emission, @ForAll("ids") String node) {
        Envelope sent = new Envelope(node, "b00t", 42, 1_732_900_000_123_456L, emission);
        Envelope received = Envelope.fromBytes(sent.toBytes());
        assertThat(received.node()).isEqualTo(node);
        assertThat(received.seq()).isEqualTo(42);
        assertThat(received.emittedMicros()).isEqualTo(1_732_900_000_123_456L);
        assertThat(received.emission().namespace()).isEqualTo(emission.namespace());
        assertThat(received.emission().event()).isEqualTo(emission.event());
        assertThat(notification(received.emission())).isEqualTo(notification(emission));
    }

    @Property(tries = 200)
    void aNodeRecognisesExactlyItsOwnEnvelopes(@ForAll("ids") String node, @ForAll("ids") String boot, @ForAll("ids") String other,
                                               @ForAll("emissions") Emission emission) {
        byte[] own = Envelope.prefix(node, boot);
        assertThat(startsWith(new Envelope(node, boot, 1, 0, emission).toBytes(), own)).isTrue();
        for (String another : new String[] {other, other + boot, boot + other}) {
            if (!another.equals(boot)) {
                assertThat(startsWith(new Envelope(node, another, 1, 0, emission).toBytes(), own)).as("same id, another process").isFalse();
            }
            if (!another.equals(node)) assertThat(startsWith(new Envelope(another, boot, 1, 0, emission).toBytes(), own)).isFalse();
        }
    }

    /** Jackson reads no lone surrogate in a member name (deviation D13): such an emission stays on its node. */
    @Example
    void aLoneSurrogateInAMemberNameCannotTravel() {
        ObjectNode params = Json.object();
        params.put("\ud800", 1);
        byte[] bytes = new Envelope("n1", "b00t", 1, 0, Emission.toEveryNamespace("e", params)).toBytes();
        assertThatThrownBy(() -> Envelope.fromBytes(bytes)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
    }

    @Property(tries = 100)
    void anythingElseIsRefused(@ForAll("junk") String text) {
        assertThatThrownBy(() -> Envelope.fromBytes(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Provide Arbitrary<String> junk() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(20),
                Arbitraries.of("{}", "[]", "null", "{\"v\":2,\"node\":\"a\",\"boot\":\"b\",\"seq\":1,\"emitted\":1,\"emission\":{\"event\":\"e\",\"params\":[]}}",
                        "{\"v\":1,\"node\":\"a\",\"boot\":\"b\",\"seq\":1.5,\"emitted\":1,\"emission\":{\"event\":\"e\",\"params\":[]}}",
                        "{\"v\":1,\"node\":\"a\",\"boot\":\"b\",\"seq\":1,\"emitted\":1,\"emission\":{\"event\":\"e\",\"params\":3}}",
                        "{\"v\":1,\"node\":7,\"boot\":\"b\",\"seq\":1,\"emitted\":1,\"emission\":{\"event\":\"e\",\"params\":[]}}"));
    }

    @Provide Arbitrary<String> ids() {
        return Arbitraries.oneOf(Arbitraries.of("n1", "n10", "n1\"", "é", "a\\b"), Arbitraries.strings().ofMinLength(1).ofMaxLength(6));
    }

    @Provide Arbitrary<Emission> emissions() {
        Arbitrary<String> namespace = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(null)),
                Tuple.of(3, Arbitraries.of("/", "/chat", "/ü/ä", "/\u2028")));
        Arbitrary<String> event = Arbitraries.oneOf(Arbitraries.of("newsUpdate", "", "\ud800"), Arbitraries.strings().ofMaxLength(5));
        Arbitrary<JsonNode> params = Arbitraries.oneOf(values(2).list().ofMaxSize(3).map(EnvelopeTest::array), objects(values(2)));
        return Combinators.combine(namespace, event, params).as(Emission::new);
    }

    private static Arbitrary<JsonNode> values(int depth) {
        Arbitrary<JsonNode> scalar = Arbitraries.oneOf(
                Arbitraries.of(NullNode.getInstance(), Json.toNode(true), Json.toNode(false)),
                Arbitraries.of(0, 1, -1, 2.0, 1.5, -0.0, 1e21, 1e-7, 0.1, 9007199254740993L, Long.MIN_VALUE).map(n -> (JsonNode) Json.toNode(n)),
                Arbitraries.doubles().map(Json::toNode),
                Arbitraries.of("", "é", "😀", "\u0000", "\u2028", "\ud800", "\udc00x").map(Json::toNode),
                Arbitraries.strings().ofMaxLength(4).map(Json::toNode));
        if (depth == 0) return scalar;
        return Arbitraries.frequencyOf(Tuple.of(4, scalar), Tuple.of(1, values(depth - 1).list().ofMaxSize(3).map(EnvelopeTest::array)),
                Tuple.of(1, objects(values(depth - 1))));
    }

    private static Arbitrary<JsonNode> objects(Arbitrary<JsonNode> values) {
        return Arbitraries.maps(Arbitraries.of("a", "b", "0", "10", "2", "__proto__", "é", "😀", "\u2028"), values).ofMaxSize(3).map(m -> {
            ObjectNode o = Json.object();
            m.forEach(o::set);
            return o;
        });
    }

    private static JsonNode array(java.util.List<JsonNode> elements) {
        ArrayNode a = Json.array();
        elements.forEach(a::add);
        return a;
    }

    private static String notification(Emission e) {
        return new String(Json.writeBytes(Frames.notification(e.event(), e.params())), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }
}
