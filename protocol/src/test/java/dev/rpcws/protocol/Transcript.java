package dev.rpcws.protocol;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A golden transcript (protocol/transcripts/README.md) and its replay against a {@link Target}: every expected
 * frame must arrive exactly, in order, on its connection. The one reader of the format: the protocol core
 * replays the transcripts in memory, the server tests over sockets.
 */
public final class Transcript {
    private static final Pattern LINE = Pattern.compile("^(>>bin|>>|<<|!emit(?:@(\\S+))?)(?:\\[(\\w+)(?: (\\w+))?])?\\s?(.*)$");
    private static final Duration FRAME_TIMEOUT = Duration.ofSeconds(5);
    private static final String END_CALL = "{\"jsonrpc\":\"2.0\",\"method\":\"__listMethods\",\"id\":\"end\"}";
    private static final String UUID_V4 = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
    private static final String JSON_STRING_BODY = "[^\"\\\\]*(?:\\\\.[^\"\\\\]*)*";

    /** What a transcript is replayed against. */
    public interface Target {
        /** {@code jetty} (rpcws) or {@code node} (the reference): lines tagged for the other one are skipped. */
        String name();

        /** Opens a connection; {@code pathAndQuery} is empty for a URL without a path. */
        Connection connect(String pathAndQuery);

        /** {@code server.emit(event, ...args)}, or {@code server.of(namespace).emit(...)} when namespace is not null. */
        void emit(String namespace, String event, List<JsonNode> args);
    }

    /** One connection of a {@link Target}. */
    public interface Connection extends AutoCloseable {
        void send(String text);

        /** Sends a binary frame carrying the UTF-8 bytes of {@code text}. */
        void sendBinary(String text);

        /** The next frame received, or null when none arrives within {@code timeout}. */
        Frame next(Duration timeout);

        @Override void close();
    }

    public record Frame(String text, boolean binary) {}

    private final String name;
    private final List<String> lines;

    private Transcript(String name, List<String> lines) {
        this.name = name;
        this.lines = lines;
    }

    /** Every transcript in {@code directory} (protocol/transcripts), by file name. */
    public static List<Transcript> all(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.toString().endsWith(".txt")).sorted().map(Transcript::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Transcript read(Path file) {
        try {
            return new Transcript(file.getFileName().toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    /** Replays the transcript against {@code target}; throws an AssertionError naming the exchange that differed. */
    public void replay(Target target) {
        Map<String, Connection> connections = new LinkedHashMap<>();
        Connection current = null;
        String exchange = "(start)";
        try {
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                String where = name + ":" + (i + 1) + " " + exchange;
                if (line.isBlank()) continue;
                if (line.startsWith("## ")) { exchange = line.substring(3); continue; }
                if (line.startsWith("#")) continue;
                if (line.startsWith("@connect ")) {
                    String[] parts = (line.substring(9) + " ").split(" ", 2);
                    current = target.connect(parts[1].trim());
                    connections.put(parts[0], current);
                    continue;
                }
                if (line.startsWith("@use ")) {
                    current = connections.get(line.substring(5).trim());
                    if (current == null) throw new IllegalArgumentException(where + ": unknown connection");
                    continue;
                }
                Matcher m = LINE.matcher(line);
                if (!m.matches()) throw new IllegalArgumentException(where + ": cannot read line: " + line);
                String only = m.group(3);
                if (only != null && !only.equals(target.name())) continue;
                String op = m.group(1);
                String body = m.group(5);
                if (op.equals(">>")) current.send(body);
                else if (op.equals(">>bin")) current.sendBinary(body);
                else if (op.equals("<<")) expect(current, body, where);
                else emit(target, m.group(2), body, where);
            }
            for (Map.Entry<String, Connection> c : connections.entrySet()) {
                c.getValue().send(END_CALL);
                Frame got = c.getValue().next(FRAME_TIMEOUT);
                if (got == null || !got.text().contains("\"id\":\"end\"")) {
                    throw new AssertionError(name + " connection " + c.getKey() + ": unexpected frame after the last exchange: " + got);
                }
            }
        } finally {
            connections.values().forEach(Connection::close);
        }
    }

    private static void expect(Connection c, String expected, String where) {
        Frame f = c.next(FRAME_TIMEOUT);
        if (f == null) throw new AssertionError(where + ": expected " + expected + " but no frame arrived within " + FRAME_TIMEOUT.toSeconds() + " s");
        if (f.binary()) throw new AssertionError(where + ": the server replied with a binary frame: " + f.text());
        if (!matches(expected, f.text())) throw new AssertionError(where + ":\n  expected " + expected + "\n  received " + f.text());
    }

    /** Exact text equality, except for the named placeholders. */
    static boolean matches(String expected, String actual) {
        if (!expected.contains("«")) return expected.equals(actual);
        StringBuilder regex = new StringBuilder();
        Matcher m = Pattern.compile("«([a-z-]+)»").matcher(expected);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(expected.substring(last, m.start())));
            regex.append(switch (m.group(1)) {
                case "socket-id" -> UUID_V4;
                case "parser-text" -> "SyntaxError: " + JSON_STRING_BODY;
                default -> throw new IllegalArgumentException("unknown placeholder " + m.group());
            });
            last = m.end();
        }
        regex.append(Pattern.quote(expected.substring(last)));
        return actual.matches(regex.toString());
    }

    private static void emit(Target target, String namespace, String argsJson, String where) {
        String[] parts = argsJson.split(" ", 2);
        List<JsonNode> args = new ArrayList<>();
        try {
            Json.parse(parts[1]).forEach(args::add);
        } catch (Json.JsonSyntaxException e) {
            throw new IllegalArgumentException(where + ": bad emit arguments " + parts[1], e);
        }
        target.emit(namespace, parts[0], args);
    }

    @Override public String toString() {
        return name;
    }
}
