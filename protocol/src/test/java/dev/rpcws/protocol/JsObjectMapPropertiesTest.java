package dev.rpcws.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JsObjectMap} against a model written from the rule itself: a JavaScript object's members are its
 * array-index keys in ascending numeric order, then the other keys in the order they were first added (replacing
 * keeps the place, deleting and adding again moves to the end). Sequences are long enough to cross the arrays'
 * limit into the hashed form, and mix index keys with keys that only look numeric.
 */
class JsObjectMapPropertiesTest {
    private static final List<String> KEYS = List.of(
            "0", "1", "2", "7", "10", "42", "4294967294",              // array indices
            "01", "-1", "1.5", "4294967295", "99999999999", "",         // numeric-looking, not indices
            "jsonrpc", "method", "params", "id", "result", "a", "b");

    private static final BigInteger MAX_INDEX = BigInteger.valueOf(4294967294L);

    /** The rule, from the definition (ECMAScript's canonical numeric string below 2^32 - 1), not from the map's code. */
    private static boolean isIndex(String key) {
        return key.matches("0|[1-9][0-9]*") && new BigInteger(key).compareTo(MAX_INDEX) <= 0;
    }

    private static List<Map.Entry<String, Integer>> modelOrder(LinkedHashMap<String, Integer> model) {
        List<Map.Entry<String, Integer>> out = new ArrayList<>();
        model.entrySet().stream().filter(e -> isIndex(e.getKey()))
                .sorted(Comparator.comparing(e -> new BigInteger(e.getKey()))).forEach(out::add);
        model.entrySet().stream().filter(e -> !isIndex(e.getKey())).forEach(out::add);
        return out;
    }

    private static List<Map.Entry<String, Integer>> mapOrder(Map<String, JsonNode> map) {
        List<Map.Entry<String, Integer>> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : map.entrySet()) out.add(Map.entry(e.getKey(), e.getValue().intValue()));
        return out;
    }

    @Property(tries = 1000)
    void behavesAsTheJavaScriptMemberOrderModel(@ForAll("operations") List<Op> ops) {
        JsObjectMap map = new JsObjectMap();
        LinkedHashMap<String, Integer> model = new LinkedHashMap<>();
        for (Op op : ops) {
            switch (op.kind()) {
                case PUT -> {
                    JsonNode old = map.put(op.key(), IntNode.valueOf(op.value()));
                    Integer expected = model.put(op.key(), op.value());
                    assertThat(old == null ? null : old.intValue()).as("put %s", op).isEqualTo(expected);
                }
                case REMOVE -> {
                    JsonNode old = map.remove(op.key());
                    Integer expected = model.remove(op.key());
                    assertThat(old == null ? null : old.intValue()).as("remove %s", op).isEqualTo(expected);
                }
                case REMOVE_BY_ITERATOR -> {
                    for (Iterator<Map.Entry<String, JsonNode>> it = map.entrySet().iterator(); it.hasNext(); ) {
                        if (it.next().getKey().equals(op.key())) it.remove();
                    }
                    model.remove(op.key());
                }
                case SET_BY_ENTRY -> {
                    for (Map.Entry<String, JsonNode> e : map.entrySet()) {
                        if (e.getKey().equals(op.key())) e.setValue(IntNode.valueOf(op.value()));
                    }
                    model.computeIfPresent(op.key(), (k, v) -> op.value());
                }
            }
            assertThat(mapOrder(map)).as("members after %s", op).containsExactlyElementsOf(modelOrder(model));
            assertThat(map.size()).isEqualTo(model.size());
            for (String key : KEYS) {
                assertThat(map.containsKey(key)).as("containsKey(%s) after %s", key, op).isEqualTo(model.containsKey(key));
                JsonNode v = map.get(key);
                assertThat(v == null ? null : v.intValue()).as("get(%s) after %s", key, op).isEqualTo(model.get(key));
            }
        }
        ObjectNode tree = new ObjectNode(Json.mapper().getNodeFactory(), map); // what goes on the wire
        StringBuilder expected = new StringBuilder("{");
        for (Map.Entry<String, Integer> e : modelOrder(model)) {
            if (expected.length() > 1) expected.append(',');
            expected.append(Json.write(Json.toNode(e.getKey()))).append(':').append(e.getValue());
        }
        assertThat(Json.write(tree)).isEqualTo(expected.append('}').toString());
    }

    enum Kind { PUT, REMOVE, REMOVE_BY_ITERATOR, SET_BY_ENTRY }

    record Op(Kind kind, String key, int value) {}

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Kind> kinds = Arbitraries.frequency(
                Tuple.of(6, Kind.PUT), Tuple.of(2, Kind.REMOVE), Tuple.of(1, Kind.REMOVE_BY_ITERATOR), Tuple.of(1, Kind.SET_BY_ENTRY));
        Arbitrary<Op> op = Combinators.combine(kinds, Arbitraries.of(KEYS), Arbitraries.integers().between(0, 999)).as(Op::new);
        return op.list().ofMinSize(0).ofMaxSize(40);
    }
}
