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
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON codec of rpcws. Reads strictly, as {@code JSON.parse} does, and writes exactly what
 * {@code JSON.stringify} would: JavaScript number formatting ({@code 2} not {@code 2.0}), JavaScript
 * object member order, lower-case hex in control-character escapes, no escaping of non-ASCII text
 * (characters outside the BMP included), and lone surrogates as lower-case {@code \\udxxx} escapes (ES2019's
 * well-formed {@code JSON.stringify}), so that the UTF-8 on the wire is always valid.
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
            .addDecorator((factory, generator) -> new JsGenerator(generator))
            .build())
            .setNodeFactory(NODES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Made once: {@code MAPPER.readTree} resolves the {@code JsonNode} type in the type factory on every parse. */
    private static final ObjectReader TREES = MAPPER.readerFor(JsonNode.class);

    private Json() {}

    /** {@return the shared mapper (configured as above); use it to bind JSON to Java types} */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** {@return a new empty object that keeps its members in JavaScript's order} */
    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /** {@return a new empty array} */
    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /**
     * Parses one JSON document.
     *
     * @param text the document
     * @return its tree
     * @throws JsonSyntaxException when it is not exactly one JSON value; the message is the text the reference puts
     *     in a {@code -32700} error's data
     */
    public static JsonNode parse(String text) throws JsonSyntaxException {
        JsonNode node;
        try {
            node = TREES.readTree(text);
        } catch (JsonProcessingException e) {
            throw new JsonSyntaxException("SyntaxError: " + e.getOriginalMessage());
        }
        if (node == null || node.isMissingNode()) throw new JsonSyntaxException("SyntaxError: Unexpected end of JSON input");
        return node;
    }

    /**
     * Writes a tree as {@code JSON.stringify} would.
     *
     * @param node the tree
     * @return its JSON text
     */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The same text as {@link #write}, as UTF-8 bytes: what goes on the wire.
     *
     * @param node the tree
     * @return its JSON text in UTF-8
     */
    public static byte[] writeBytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Converts a handler's return value (a JsonNode, a POJO, a collection, a boxed primitive) to a tree.
     *
     * @param value the value, or {@code null}
     * @return its tree; {@code null} stays {@code null}
     * @throws IllegalArgumentException when Jackson cannot convert it
     */
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
        /** @param message what the reference's {@code JSON.parse} would say, {@code SyntaxError: ...} */
        public JsonSyntaxException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Numbers and strings are written as JavaScript writes them: a JS peer holds every number as a double, and
     * Jackson would escape surrogates (in upper case, pairs included) where V8 writes pairs as themselves.
     */
    private static final class JsGenerator extends JsonGeneratorDelegate {
        JsGenerator(JsonGenerator d) {
            super(d, false);
        }

        @Override public void writeString(String text) throws IOException {
            if (text != null && JsQuoted.needs(text)) delegate.writeString(new JsQuoted(text));
            else delegate.writeString(text);
        }

        @Override public void writeString(char[] text, int offset, int length) throws IOException {
            writeString(new String(text, offset, length));
        }

        @Override public void writeFieldName(String name) throws IOException {
            if (JsQuoted.needs(name)) delegate.writeFieldName(new JsQuoted(name));
            else delegate.writeFieldName(name);
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
        private static final String[] CONTROLS = new String[32];

        static {
            for (int c = 0; c < 32; c++) {
                CONTROLS[c] = switch (c) {
                    case '\b' -> "\\b";
                    case '\t' -> "\\t";
                    case '\n' -> "\\n";
                    case '\f' -> "\\f";
                    case '\r' -> "\\r";
                    default -> String.format("\\u%04x", c);
                };
            }
        }

        private final int[] ascii = standardAsciiEscapesForJSON();
        private final SerializedString[] sequences = new SerializedString[32];

        JsEscapes() {
            for (int c = 0; c < 32; c++) {
                ascii[c] = ESCAPE_CUSTOM;
                sequences[c] = new SerializedString(CONTROLS[c]);
            }
        }

        @Override public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override public SerializableString getEscapeSequence(int ch) {
            return ch < 32 ? sequences[ch] : null;
        }
    }

    /**
     * A string holding surrogates, quoted as {@code JSON.stringify} quotes it: a pair as the character itself, a lone
     * surrogate as a lower-case {@code \\udxxx} escape. Jackson's escapes cannot see a character's neighbour, so
     * such strings (rare) are quoted here; every other string takes Jackson's path with {@link JsEscapes}.
     */
    private static final class JsQuoted implements SerializableString {
        private final String value;
        private final String quoted;
        private final byte[] quotedUtf8;

        JsQuoted(String value) {
            this.value = value;
            this.quoted = quote(value);
            this.quotedUtf8 = quoted.getBytes(StandardCharsets.UTF_8); // only whole pairs are left unescaped: valid UTF-8
        }

        static boolean needs(String text) {
            for (int i = 0; i < text.length(); i++) {
                if (Character.isSurrogate(text.charAt(i))) return true;
            }
            return false;
        }

        private static String quote(String s) {
            StringBuilder out = new StringBuilder(s.length() + 16);
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 32) out.append(JsEscapes.CONTROLS[c]);
                else if (c == '"' || c == '\\') out.append('\\').append(c);
                else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) out.append(c).append(s.charAt(++i));
                else if (Character.isSurrogate(c)) out.append(String.format("\\u%04x", (int) c));
                else out.append(c);
            }
            return out.toString();
        }

        @Override public String getValue() { return value; }
        @Override public int charLength() { return value.length(); }
        @Override public char[] asQuotedChars() { return quoted.toCharArray(); }
        @Override public byte[] asUnquotedUTF8() { return value.getBytes(StandardCharsets.UTF_8); }
        @Override public byte[] asQuotedUTF8() { return quotedUtf8.clone(); }

        @Override public int appendQuotedUTF8(byte[] buffer, int offset) {
            return append(quotedUtf8, buffer, offset);
        }

        @Override public int appendQuoted(char[] buffer, int offset) {
            if (offset + quoted.length() > buffer.length) return -1;
            quoted.getChars(0, quoted.length(), buffer, offset);
            return quoted.length();
        }

        @Override public int appendUnquotedUTF8(byte[] buffer, int offset) {
            return append(asUnquotedUTF8(), buffer, offset);
        }

        @Override public int appendUnquoted(char[] buffer, int offset) {
            if (offset + value.length() > buffer.length) return -1;
            value.getChars(0, value.length(), buffer, offset);
            return value.length();
        }

        @Override public int writeQuotedUTF8(OutputStream out) throws IOException {
            out.write(quotedUtf8);
            return quotedUtf8.length;
        }

        @Override public int writeUnquotedUTF8(OutputStream out) throws IOException {
            byte[] bytes = asUnquotedUTF8();
            out.write(bytes);
            return bytes.length;
        }

        @Override public int putQuotedUTF8(ByteBuffer buffer) {
            return put(quotedUtf8, buffer);
        }

        @Override public int putUnquotedUTF8(ByteBuffer buffer) {
            return put(asUnquotedUTF8(), buffer);
        }

        private static int append(byte[] bytes, byte[] buffer, int offset) {
            if (offset + bytes.length > buffer.length) return -1;
            System.arraycopy(bytes, 0, buffer, offset, bytes.length);
            return bytes.length;
        }

        private static int put(byte[] bytes, ByteBuffer buffer) {
            if (bytes.length > buffer.remaining()) return -1;
            buffer.put(bytes);
            return bytes.length;
        }

        @Override public String toString() {
            return value;
        }
    }
}
