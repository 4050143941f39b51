package dev.rpcws.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.Frames;
import dev.rpcws.protocol.Json;
import dev.rpcws.testkit.ProcessServer;
import dev.rpcws.testkit.RawClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Strings on the wire, compared with V8: random strings mixing ASCII, controls, BMP text, characters outside the
 * BMP and lone surrogates are echoed by the Jetty server and by the canonical Node server, and the replies must be
 * the same bytes; {@link Json#write} must write the same text. Requests are pure ASCII ({@code \\u} escapes), so
 * both servers read the same strings. Binary frames carrying invalid UTF-8 must be read as Node reads them.
 */
class StringsAgainstNodeTest {
    private static final long SEED = 20261129L;
    private static final int STRINGS = 3000;
    private static final int PER_FRAME = 50;

    @Test
    void jettyWritesEveryStringAsV8Does() {
        Random random = new Random(SEED);
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < STRINGS; i++) strings.add(randomString(random));
        List<String> differences = new ArrayList<>();
        try (InProcessJetty jetty = InProcessJetty.start(); ProcessServer node = ProcessServer.node(0);
             RawClient j = RawClient.connect(jetty.wsUri("/")); RawClient n = RawClient.connect(node.wsUri("/"))) {
            for (int from = 0, id = 1; from < strings.size(); from += PER_FRAME, id++) {
                List<String> chunk = strings.subList(from, Math.min(strings.size(), from + PER_FRAME));
                compare(asArray(chunk, id), j, n, differences);
                List<String> names = chunk.stream().filter(s -> !hasLoneSurrogate(s)).toList(); // deviation D13
                compare(asObject(names, id), j, n, differences);
            }
        }
        assertThat(differences).as("replies that differ from V8's (seed %d)", SEED).isEmpty();
    }

    /** Binary frames are decoded as Node decodes a Buffer: invalid UTF-8 inside a string becomes the same U+FFFDs. */
    @Test
    void jettyDecodesBinaryFramesAsNodeDoes() {
        Random random = new Random(SEED);
        List<String> differences = new ArrayList<>();
        try (InProcessJetty jetty = InProcessJetty.start(); ProcessServer node = ProcessServer.node(0);
             RawClient j = RawClient.connect(jetty.wsUri("/")); RawClient n = RawClient.connect(node.wsUri("/"))) {
            for (int id = 1; id <= 400; id++) {
                ByteArrayOutputStream frame = new ByteArrayOutputStream();
                frame.writeBytes(("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"").getBytes(StandardCharsets.US_ASCII));
                for (int k = random.nextInt(12); k > 0; k--) frame.write(junkByte(random));
                frame.writeBytes(("\"],\"id\":" + id + "}").getBytes(StandardCharsets.US_ASCII));
                j.sendBinary(frame.toByteArray());
                n.sendBinary(frame.toByteArray());
                String fromNode = n.nextText();
                String fromJetty = j.nextText();
                if (!fromJetty.equals(fromNode)) differences.add(HexFormat.of().formatHex(frame.toByteArray()) + "\n  node  " + fromNode + "\n  jetty " + fromJetty);
            }
        }
        assertThat(differences).as("binary frames decoded differently from Node (seed %d)", SEED).isEmpty();
    }

    /** A byte that keeps the JSON string open (no quote, backslash or control), favouring the bytes UTF-8 decoders disagree on. */
    private static int junkByte(Random r) {
        int[] tricky = {0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x41};
        if (r.nextInt(4) > 0) return tricky[r.nextInt(tricky.length)];
        int b = 0x20 + r.nextInt(0xe0);
        return b == '"' || b == '\\' ? 0x41 : b;
    }

    private static void compare(String request, RawClient jetty, RawClient node, List<String> differences) {
        jetty.send(request);
        node.send(request);
        String fromNode = node.nextText();
        String fromJetty = jetty.nextText();
        String written;
        try {
            JsonNode parsed = Json.parse(request);
            written = Json.write(Frames.result(parsed.get("params"), parsed.get("id")));
        } catch (Json.JsonSyntaxException e) {
            throw new AssertionError("the test's own request does not parse: " + request, e);
        }
        if (!fromJetty.equals(fromNode)) differences.add("on the wire: " + request + "\n  node  " + fromNode + "\n  jetty " + fromJetty);
        if (!written.equals(fromNode)) differences.add("Json.write: " + request + "\n  node  " + fromNode + "\n  write " + written);
    }

    private static String asArray(List<String> strings, int id) {
        StringBuilder params = new StringBuilder("[");
        for (String s : strings) params.append(params.length() > 1 ? "," : "").append(asciiLiteral(s));
        return request(params.append(']'), id);
    }

    private static String asObject(List<String> strings, int id) {
        StringBuilder params = new StringBuilder("{");
        for (int i = 0; i < strings.size(); i++) {
            params.append(i > 0 ? "," : "").append(asciiLiteral(strings.get(i))).append(':').append(asciiLiteral(strings.get(strings.size() - 1 - i)));
        }
        return request(params.append('}'), id);
    }

    private static String request(CharSequence params, int id) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":" + params + ",\"id\":" + id + "}";
    }

    /** A JSON string literal holding {@code s} in ASCII only: everything outside printable ASCII as a {@code \\u} escape. */
    private static String asciiLiteral(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') out.append('\\').append(c);
            else if (c >= 0x20 && c < 0x7f) out.append(c);
            else out.append(String.format("\\u%04X", (int) c));
        }
        return out.append('"').toString();
    }

    private static String randomString(Random r) {
        StringBuilder s = new StringBuilder();
        int length = r.nextInt(9);
        for (int i = 0; i < length; i++) {
            switch (r.nextInt(8)) {
                case 0 -> s.append((char) (0x20 + r.nextInt(0x5f)));                        // printable ASCII, " and \ included
                case 1 -> s.append((char) (r.nextBoolean() ? r.nextInt(0x20) : 0x7f));         // controls and DEL
                case 2 -> s.append((char) (0x80 + r.nextInt(0xd800 - 0x80)));                  // BMP below the surrogates
                case 3 -> s.append((char) (0xe000 + r.nextInt(0x10000 - 0xe000)));             // BMP above them (U+FFFF included)
                case 4 -> s.appendCodePoint(0x10000 + r.nextInt(0x110000 - 0x10000));        // outside the BMP: a pair
                case 5 -> s.append((char) (0xd800 + r.nextInt(0x400)));                        // a high surrogate, maybe lone
                case 6 -> s.append((char) (0xdc00 + r.nextInt(0x400)));                        // a low surrogate, maybe lone
                default -> s.append(new char[] {'\u2028', '\u2029', '\u00e9', '/'}[r.nextInt(4)]);
            }
        }
        return s.toString();
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) i++;
            else if (Character.isSurrogate(c)) return true;
        }
        return false;
    }
}
