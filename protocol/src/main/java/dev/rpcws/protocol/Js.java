package dev.rpcws.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** The few JavaScript semantics the reference's wire behaviour depends on. */
public final class Js {
    private Js() {}

    /**
     * JavaScript truthiness of a JSON value; Java {@code null} stands for an absent member (undefined).
     * The reference tests ids, methods and params this way: {@code 0}, {@code ""}, {@code false} and
     * {@code null} count as absent.
     *
     * @param v a JSON value, or {@code null} for an absent member
     * @return whether JavaScript would find it truthy
     */
    public static boolean truthy(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) return false;
        if (v.isBoolean()) return v.booleanValue();
        if (v.isNumber()) {
            double d = v.doubleValue();
            return d != 0 && !Double.isNaN(d);
        }
        if (v.isTextual()) return !v.textValue().isEmpty();
        return true;
    }

    /**
     * {@code String(v)}: how the reference turns an event name into a property key of its result object.
     *
     * @param v a JSON value, or {@code null} for {@code undefined}
     * @return what JavaScript's {@code String(v)} returns
     */
    public static String string(JsonNode v) {
        if (v == null || v.isMissingNode()) return "undefined";
        if (v.isTextual()) return v.textValue();
        if (v.isNull()) return "null";
        if (v.isBoolean()) return Boolean.toString(v.booleanValue());
        if (v.isNumber()) {
            double d = v.doubleValue(); // JSON.parse reads a literal beyond the doubles as an infinity
            return Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : JsNumbers.format(d);
        }
        if (v.isObject()) return "[object Object]";
        StringBuilder out = new StringBuilder(); // arrays: elements joined by ",", null elements empty
        for (int i = 0; i < v.size(); i++) {
            if (i > 0) out.append(',');
            JsonNode e = v.get(i);
            if (!e.isNull()) out.append(string(e));
        }
        return out.toString();
    }

    /**
     * The key a JavaScript object uses for a response id, so that {@code 1} and {@code "1"} match as they
     * do in the reference client; {@code null} for ids that never match (absent or null).
     *
     * @param id a response id, or {@code null} when absent
     * @return its key, or {@code null}
     */
    public static String idKey(JsonNode id) {
        if (id == null || id.isNull() || id.isMissingNode()) return null;
        return string(id);
    }
}
