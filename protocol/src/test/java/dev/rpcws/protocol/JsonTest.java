package dev.rpcws.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {
    /** Expected texts are what V8's JSON.stringify prints for the same numbers. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2.0|2", "-0.0|0", "0.1|0.1", "1e21|1e+21", "1e20|100000000000000000000", "1e-7|1e-7", "0.000001|0.000001",
            "123.456|123.456", "1.5e300|1.5e+300", "-2.5e-10|-2.5e-10", "0.30000000000000004|0.30000000000000004",
            "9007199254740993|9007199254740992", "5e-324|5e-324", "1.7976931348623157e308|1.7976931348623157e+308",
            "123456789012345680000|123456789012345680000", "1234567890123456789012|1.2345678901234568e+21"})
    void writesNumbersAsJavaScriptDoes(String in, String out) throws Exception {
        assertThat(Json.write(Json.parse("[" + in + "]"))).isEqualTo("[" + out + "]");
    }

    @Test
    void nanAndInfinityBecomeNull() {
        assertThat(Json.write(Json.toNode(new double[] {Double.NaN, Double.POSITIVE_INFINITY}))).isEqualTo("[null,null]");
    }

    @Test
    void commonResultTypesBecomeTheSameNodesAsValueToTreeBuilds() {
        for (Object v : new Object[] {3.0, -0.5, 1e21, Double.NaN, "t\u00e9xt", true, 7, Integer.MIN_VALUE, 9007199254740993L, Long.MAX_VALUE}) {
            JsonNode fast = Json.toNode(v);
            JsonNode slow = Json.mapper().valueToTree(v);
            assertThat(fast).as("%s", v).isEqualTo(slow);
            assertThat(fast.getClass()).as("%s", v).isEqualTo(slow.getClass());
            assertThat(Json.write(fast)).as("%s", v).isEqualTo(Json.write(slow));
            assertThat(Json.writeBytes(fast)).as("%s", v).isEqualTo(Json.write(slow).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void keepsJavaScriptMemberOrder() throws Exception {
        JsonNode n = Json.parse("{\"b\":1,\"10\":2,\"2\":3,\"a\":4,\"01\":5,\"-1\":6,\"4294967295\":7,\"4294967294\":8}");
        assertThat(Json.write(n)).isEqualTo("{\"2\":3,\"10\":2,\"4294967294\":8,\"b\":1,\"a\":4,\"01\":5,\"-1\":6,\"4294967295\":7}");
    }

    @Test
    void duplicateKeysKeepTheFirstPositionAndTheLastValue() throws Exception {
        assertThat(Json.write(Json.parse("{\"a\":1,\"b\":2,\"a\":3}"))).isEqualTo("{\"a\":3,\"b\":2}");
    }

    @Test
    void escapesLikeJsonStringify() throws Exception {
        String in = "\"\\u0000\\u001f\\b\\t\\n\\f\\r\\\"\\\\/\u00e9\u2028\ud83d\ude00\"";
        assertThat(Json.write(Json.parse(in))).isEqualTo("\"\\u0000\\u001f\\b\\t\\n\\f\\r\\\"\\\\/\u00e9\u2028\ud83d\ude00\"");
    }

    /** Expected texts are what V8's well-formed JSON.stringify prints (Node 20): pairs as themselves, lone surrogates escaped in lower case. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\\ud83d\\ude00|\ud83d\ude00", "\\ud800|\\ud800", "a\\udfffb|a\\udfffb", "\\ude00\\ud83d|\\ude00\\ud83d",
            "\\ud83d\\ud83d\\ude00|\\ud83d\ud83d\ude00", "x\\ud83d|x\\ud83d", "\\u0000\\u001f\\u007f\\u2028\\\"\\\\/\u00e9|\\u0000\\u001f\u007f\u2028\\\"\\\\/\u00e9"})
    void writesSurrogatesAsWellFormedJsonStringifyDoes(String in, String out) throws Exception {
        JsonNode value = Json.parse("[\"" + in + "\"]");
        assertThat(Json.write(value)).isEqualTo("[\"" + out + "\"]");
        assertThat(new String(Json.writeBytes(value), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("[\"" + out + "\"]");
        ObjectNode key = Json.object().put(value.get(0).textValue(), 1);
        assertThat(Json.write(key)).isEqualTo("{\"" + out + "\":1}");
        assertThat(new String(Json.writeBytes(key), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"" + out + "\":1}");
    }

    /** Deviation D13: Jackson refuses a lone surrogate in a member name, which V8 reads. Pairs are read in both. */
    @Test
    void aLoneSurrogateInAMemberNameIsAParseError() throws Exception {
        assertThatThrownBy(() -> Json.parse("{\"\\ud800\":1}")).isInstanceOf(Json.JsonSyntaxException.class);
        assertThat(Json.parse("{\"\\ud83d\\ude00\":1}").fieldNames().next()).isEqualTo("\ud83d\ude00");
    }

    @Test
    void writesWhatTheMapperSerialisesTheSameWay() throws Exception {
        assertThat(Json.mapper().writeValueAsString(java.util.Map.of("k\ud800", java.util.List.of("a\udc00", "\ud83d\ude00"))))
                .isEqualTo("{\"k\\ud800\":[\"a\\udc00\",\"\ud83d\ude00\"]}");
    }

    @Test
    void readsStrictlyAsJsonParse() {
        for (String bad : new String[] {"", "  ", "{} x", "{'a':1}", "[1,]", "NaN", "01", "{\"a\":1,}", "\"\t\""}) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(Json.JsonSyntaxException.class)
                    .hasMessageStartingWith("SyntaxError: ");
        }
    }

    @Test
    void refusesNestingBeyondTheParserLimit() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(Json.JsonSyntaxException.class);
    }
}
