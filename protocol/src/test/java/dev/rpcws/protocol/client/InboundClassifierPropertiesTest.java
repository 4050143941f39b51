package dev.rpcws.protocol.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.Js;
import dev.rpcws.protocol.Json;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inbound rules' invariants for any sequence of frames against a table of pending calls: frames of every
 * shape (notifications heard and unheard, replies with ids in every form, standard notifications, junk),
 * with members of the wrong type and falsy values.
 */
class InboundClassifierPropertiesTest {
    private static final JsonNodeFactory NODES = Json.mapper().getNodeFactory();
    private static final Set<String> HEARD = Set.of("ev", "1", "true");
    private static final int CALLS = 6;

    @Property(tries = 300)
    void everyFrameMeansOneThingAndSettlesAtMostTheCallItsIdNames(@ForAll("sessions") List<String> frames) {
        PendingCalls<Long> pending = new PendingCalls<>();
        Map<String, Long> open = new HashMap<>();
        for (int i = 0; i < CALLS; i++) {
            long id = pending.nextId();
            pending.track(id, id);
            open.put(Long.toString(id), id);
        }
        InboundClassifier<Long> classifier = new InboundClassifier<>(pending, HEARD::contains);
        List<Long> settled = new ArrayList<>();

        for (String text : frames) {
            int before = pending.size();
            Inbound<Long> in = classifier.classify(text); // never throws, whatever the text
            JsonNode frame = parseOrNull(text);
            boolean object = frame != null && frame.isObject();
            boolean heardNotification = object && Js.truthy(frame.get("notification")) && HEARD.contains(Js.string(frame.get("notification")));
            String key = object ? Js.idKey(frame.get("id")) : null;
            boolean matches = key != null && open.containsKey(key);

            Long call = in instanceof Inbound.Result<Long> r ? r.call()
                    : in instanceof Inbound.ErrorReply<Long> r ? r.call()
                    : in instanceof Inbound.Malformed<Long> m ? m.call() : null;
            if (call != null) {
                // a reply: the call its id names, once; its kind is decided by which of result and error it has
                assertThat(heardNotification).as("a heard notification never settles a call: %s", text).isFalse();
                assertThat(open.remove(key)).as(text).isEqualTo(call);
                settled.add(call);
                assertThat(pending.size()).isEqualTo(before - 1);
                boolean result = frame.has("result");
                boolean error = frame.has("error");
                if (result == error) assertThat(in).isInstanceOf(Inbound.Malformed.class);
                else assertThat(in).isInstanceOf(error ? Inbound.ErrorReply.class : Inbound.Result.class);
            } else {
                assertThat(pending.size()).as("only a reply takes a call: %s", text).isEqualTo(before);
                assertThat(matches && !heardNotification).as("a frame naming a pending call settles it: %s", text).isFalse();
            }
            if (in instanceof Inbound.Event<Long> e) assertThat(HEARD).as(text).contains(e.name());
            if (heardNotification) assertThat(in).as(text).isInstanceOf(Inbound.Event.class);
        }
        assertThat(settled).doesNotHaveDuplicates();
        assertThat(pending.size() + settled.size()).isEqualTo(CALLS);
    }

    private static JsonNode parseOrNull(String text) {
        try {
            return Json.parse(text);
        } catch (Json.JsonSyntaxException e) {
            return null;
        }
    }

    @Provide
    Arbitrary<List<String>> sessions() {
        return frame().list().ofMinSize(1).ofMaxSize(30);
    }

    private static Arbitrary<String> frame() {
        Arbitrary<String> objects = Arbitraries.integers().between(0, 63).flatMap(mask ->
                Combinators.combine(value(), ids(), value(), value(), names(), names()).as((params, id, result, error, notification, method) -> {
                    ObjectNode f = Json.object();
                    if ((mask & 1) != 0) f.set("notification", notification);
                    if ((mask & 2) != 0) f.set("method", method);
                    if ((mask & 4) != 0) f.set("id", id);
                    if ((mask & 8) != 0) f.set("result", result);
                    if ((mask & 16) != 0) f.set("error", error);
                    if ((mask & 32) != 0) f.set("params", params);
                    return Json.write(f);
                }));
        Arbitrary<String> other = Arbitraries.of("not json", "", "[]", "[{\"result\":1,\"id\":1}]", "42", "null", "\"s\"", "{\"id\":1", "{}");
        return Arbitraries.frequencyOf(Tuple.of(9, objects), Tuple.of(1, other));
    }

    /** Ids in every form a peer might send: numbers, numeric strings, floats, and values that never match. */
    private static Arbitrary<JsonNode> ids() {
        Arbitrary<Integer> n = Arbitraries.integers().between(0, CALLS + 2);
        return Arbitraries.oneOf(
                n.map(i -> (JsonNode) NODES.numberNode(i)),
                n.map(i -> (JsonNode) NODES.textNode(Integer.toString(i))),
                n.map(i -> (JsonNode) NODES.numberNode(i + 0.0)),
                n.map(i -> (JsonNode) NODES.numberNode(i + 0.5)),
                Arbitraries.of(NODES.nullNode(), NODES.booleanNode(true), NODES.textNode(""), NODES.textNode(" 1"), Json.array().add(1), Json.object()));
    }

    /** Event names heard and unheard, falsy ones, and names of other types that read as a heard name ({@code 1}, {@code true}). */
    private static Arbitrary<JsonNode> names() {
        return Arbitraries.of(NODES.textNode("ev"), NODES.textNode("unheard"), NODES.textNode(""), NODES.numberNode(1), NODES.numberNode(0),
                NODES.booleanNode(true), NODES.booleanNode(false), NODES.nullNode(), Json.array().add("ev"), Json.object());
    }

    private static Arbitrary<JsonNode> value() {
        return Arbitraries.of(NODES.nullNode(), NODES.numberNode(0), NODES.numberNode(7), NODES.textNode(""), NODES.textNode("x\uD800"),
                NODES.booleanNode(false), Json.array(), Json.array().add(1).add("b"), Json.object(), Json.object().put("code", -1).put("message", "m"));
    }
}
