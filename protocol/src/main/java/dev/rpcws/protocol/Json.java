package dev.rpcws.protocol;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The one JSON codec of rpcws. Reads strictly, as {@code JSON.parse} does, and writes exactly what
 * {@code JSON.stringify} would: JavaScript number formatting ({@code 2} not {@code 2.0}), JavaScript
 * object member order, lower-case hex in control-character escapes, no escaping of non-ASCII text.
 */
public final class Json {
    private static final long MAX_SAFE_INTEGER = 9007199254740991L;

    private static final JsonNodeFactory NODES = new JsonNodeFactory(false) {
        @Override public ObjectNode objectNode() {
            return new ObjectNode(this, new JsObjectMap());
        }
    };

    private static final ObjectMapper MAPPER = new ObjectMapper(new JsonFactoryBuilder()
            .characterEscapes(new JsEscapes())
            .addDecorator((factory, generator) -> new JsNumberGenerator(generator))
            .build())
            .setNodeFactory(NODES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {}

    /** The shared mapper (configured as above); use it to bind JSON to Java types. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** Parses one JSON document; a failure carries the text the reference puts in a {@code -32700} error's data. */
    public static JsonNode parse(String text) throws JsonSyntaxException {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new JsonSyntaxException("SyntaxError: " + e.getOriginalMessage());
        }
        if (node == null || node.isMissingNode()) throw new JsonSyntaxException("SyntaxError: Unexpected end of JSON input");
        return node;
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same text as {@link #write}, as UTF-8 bytes: what goes on the wire. */
    public static byte[] writeBytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Converts a handler's return value (a JsonNode, a POJO, a collection, a boxed primitive) to a tree; null stays null. */
    public static JsonNode toNode(Object value) {
        if (value == null || value instanceof JsonNode) return (JsonNode) value;
        // The common results, without valueToTree's round trip through a token buffer (same nodes as it builds).
        if (value instanceof Double d) return NODES.numberNode(d.doubleValue());
        if (value instanceof String t) return NODES.textNode(t);
        if (value instanceof Boolean b) return NODES.booleanNode(b);
        if (value instanceof Integer i) return NODES.numberNode(i.intValue());
        if (value instanceof Long l) return NODES.numberNode(l.longValue());
        return MAPPER.valueToTree(value);
    }

    /** A JSON text that could not be parsed. */
    public static final class JsonSyntaxException extends Exception {
        public JsonSyntaxException(String message) {
            super(message, null, false, false);
        }
    }

    /** Numbers are written as JavaScript writes them: a JS peer holds every number as a double. */
    private static final class JsNumberGenerator extends JsonGeneratorDelegate {
        JsNumberGenerator(JsonGenerator d) {
            super(d, false);
        }

        @Override public void writeNumber(double v) throws IOException {
            delegate.writeNumber(JsNumbers.format(v));
        }

        @Override public void writeNumber(float v) throws IOException {
            writeNumber((double) v);
        }

        @Override public void writeNumber(long v) throws IOException {
            if (Math.abs(v) <= MAX_SAFE_INTEGER) delegate.writeNumber(v);
            else writeNumber((double) v);
        }

        @Override public void writeNumber(BigInteger v) throws IOException {
            if (v.bitLength() < 53) delegate.writeNumber(v.longValue());
            else writeNumber(v.doubleValue());
        }

        @Override public void writeNumber(BigDecimal v) throws IOException {
            writeNumber(v.doubleValue());
        }
    }

    /** {@code JSON.stringify}'s escapes: short forms where they exist, else lower-case hex escapes; nothing above 0x7F. */
    private static final class JsEscapes extends CharacterEscapes {
        private final int[] ascii = standardAsciiEscapesForJSON();
        private final SerializedString[] sequences = new SerializedString[32];

        JsEscapes() {
            for (int c = 0; c < 32; c++) {
                ascii[c] = ESCAPE_CUSTOM;
                String seq = switch (c) {
                    case '\b' -> "\\b";
                    case '\t' -> "\\t";
                    case '\n' -> "\\n";
                    case '\f' -> "\\f";
                    case '\r' -> "\\r";
                    default -> String.format("\\u%04x", c);
                };
                sequences[c] = new SerializedString(seq);
            }
        }

        @Override public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override public SerializableString getEscapeSequence(int ch) {
            return ch < 32 ? sequences[ch] : null;
        }
    }
}
