package dev.rpcws.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One fuzz case: connections opened at the start (each a path with an optional query), then steps run one
 * after another. Its JSON form is the replay file ({@code --replay}).
 */
public record Session(long seed, long caseNumber, List<String> connections, List<Step> steps) {
    public Session {
        connections = List.copyOf(connections);
        steps = List.copyOf(steps);
    }

    /** What the fuzzer does at one point of a session. */
    public sealed interface Step permits Send, Emit, Close {}

    /** A frame sent on connection {@code conn}. */
    public record Send(int conn, Frame frame) implements Step {}

    /** An emit through the admin API: global when {@code namespace} is null. Arguments are JSON texts. */
    public record Emit(String namespace, String event, List<String> args) implements Step {
        public Emit {
            args = List.copyOf(args);
        }
    }

    /** The client closes connection {@code conn} (code 1000). */
    public record Close(int conn) implements Step {}

    /** A WebSocket message the fuzzer sends. */
    public sealed interface Frame permits Text, Batch, Binary {
        /** The payload as text (binary payloads decoded as UTF-8, for reading only). */
        String text();
    }

    public record Text(String text) implements Frame {}

    /** A JSON array written from its elements' texts, so the shrinker can drop elements. */
    public record Batch(List<String> elements) implements Frame {
        public Batch {
            elements = List.copyOf(elements);
        }

        @Override public String text() {
            return "[" + String.join(",", elements) + "]";
        }
    }

    public record Binary(byte[] payload) implements Frame {
        @Override public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        @Override public boolean equals(Object o) {
            return o instanceof Binary b && java.util.Arrays.equals(payload, b.payload);
        }

        @Override public int hashCode() {
            return java.util.Arrays.hashCode(payload);
        }
    }

    public Session withSteps(List<Step> newSteps) {
        return new Session(seed, caseNumber, connections, newSteps);
    }

    // ---- the replay file ----

    public String toJson() {
        ObjectNode root = Json.object().put("seed", seed).put("case", caseNumber);
        ArrayNode conns = root.putArray("connections");
        connections.forEach(conns::add);
        ArrayNode out = root.putArray("steps");
        for (Step step : steps) {
            ObjectNode s = out.addObject();
            if (step instanceof Send send) {
                s.put("send", send.conn());
                if (send.frame() instanceof Text t) s.put("text", t.text());
                else if (send.frame() instanceof Batch b) b.elements().forEach(s.putArray("batch")::add);
                else s.put("binary", Base64.getEncoder().encodeToString(((Binary) send.frame()).payload()));
            } else if (step instanceof Emit e) {
                s.put("emit", e.event());
                if (e.namespace() != null) s.put("namespace", e.namespace());
                e.args().forEach(s.putArray("args")::add);
            } else {
                s.put("close", ((Close) step).conn());
            }
        }
        return Json.write(root);
    }

    public static Session fromJson(String json) {
        JsonNode root;
        try {
            root = Json.parse(json);
        } catch (Json.JsonSyntaxException e) {
            throw new IllegalArgumentException("not a replay file: " + e.getMessage(), e);
        }
        List<String> conns = new ArrayList<>();
        root.path("connections").forEach(c -> conns.add(c.textValue()));
        List<Step> steps = new ArrayList<>();
        for (JsonNode s : root.path("steps")) {
            if (s.has("send")) {
                int conn = s.get("send").intValue();
                Frame f;
                if (s.has("text")) f = new Text(s.get("text").textValue());
                else if (s.has("batch")) {
                    List<String> elements = new ArrayList<>();
                    s.get("batch").forEach(e -> elements.add(e.textValue()));
                    f = new Batch(elements);
                } else f = new Binary(Base64.getDecoder().decode(s.get("binary").textValue()));
                steps.add(new Send(conn, f));
            } else if (s.has("emit")) {
                List<String> args = new ArrayList<>();
                s.path("args").forEach(a -> args.add(a.textValue()));
                steps.add(new Emit(s.hasNonNull("namespace") ? s.get("namespace").textValue() : null, s.get("emit").textValue(), args));
            } else if (s.has("close")) {
                steps.add(new Close(s.get("close").intValue()));
            } else {
                throw new IllegalArgumentException("unknown step " + s);
            }
        }
        return new Session(root.path("seed").asLong(), root.path("case").asLong(), conns, steps);
    }

    /** A readable transcript: one line per connection and per step. */
    public String describe() {
        return describe(null, null);
    }

    /** {@link #describe()} with, after each step, what each server sent on each connection (either may be null). */
    public String describe(Observation reference, Observation jetty) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < connections.size(); i++) out.append("  connection ").append(i).append(": ").append(connections.get(i)).append('\n');
        for (int i = 0; i < steps.size(); i++) {
            out.append("  step ").append(i).append(": ");
            Step step = steps.get(i);
            if (step instanceof Send send) {
                out.append(send.frame() instanceof Binary ? "[binary] " : "").append('#').append(send.conn()).append(" >> ").append(send.frame().text());
            } else if (step instanceof Emit e) {
                out.append("admin emit ").append(e.event()).append(e.namespace() == null ? " (global)" : " in " + e.namespace()).append(" args ").append(e.args());
            } else {
                out.append('#').append(((Close) step).conn()).append(" closes");
            }
            out.append('\n');
            for (int c = 0; c < connections.size(); c++) {
                received(out, "reference", reference, i, c);
                received(out, "jetty", jetty, i, c);
            }
        }
        return out.toString();
    }

    private static void received(StringBuilder out, String server, Observation o, int step, int conn) {
        if (o == null || step >= o.steps.size()) return;
        for (String frame : o.steps.get(step).get(conn)) out.append(String.format("      #%d << %-9s %s%n", conn, server, frame));
    }
}
