package dev.rpcws.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsTest {
    @Test
    void truthinessIsJavaScripts() throws Exception {
        for (String falsy : new String[] {"0", "0.0", "-0", "\"\"", "false", "null"}) {
            assertThat(Js.truthy(Json.parse(falsy))).as(falsy).isFalse();
        }
        for (String truthy : new String[] {"1", "-1", "0.5", "\"0\"", "\" \"", "true", "[]", "{}"}) {
            assertThat(Js.truthy(Json.parse(truthy))).as(truthy).isTrue();
        }
        assertThat(Js.truthy(null)).isFalse();
    }

    @Test
    void stringConversionMatchesJavaScriptsString() throws Exception {
        assertThat(Js.string(Json.parse("1"))).isEqualTo("1");
        assertThat(Js.string(Json.parse("1.50"))).isEqualTo("1.5");
        assertThat(Js.string(Json.parse("null"))).isEqualTo("null");
        assertThat(Js.string(Json.parse("true"))).isEqualTo("true");
        assertThat(Js.string(Json.parse("{\"a\":1}"))).isEqualTo("[object Object]");
        assertThat(Js.string(Json.parse("[1,[2,null],\"x\"]"))).isEqualTo("1,2,,x");
        // JSON.parse reads a literal beyond the doubles as an infinity, which String() spells out (found by the fuzzer)
        assertThat(Js.string(Json.parse("1e400"))).isEqualTo("Infinity");
        assertThat(Js.string(Json.parse("[-1e400,1e400]"))).isEqualTo("-Infinity,Infinity");
    }

    @Test
    void idKeysMatchNumbersAndTheirStrings() throws Exception {
        assertThat(Js.idKey(Json.parse("1"))).isEqualTo(Js.idKey(Json.parse("\"1\"")));
        assertThat(Js.idKey(Json.parse("null"))).isNull();
        assertThat(Js.idKey(null)).isNull();
    }
}
