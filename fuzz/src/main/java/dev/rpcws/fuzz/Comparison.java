package dev.rpcws.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.fuzz.Session.Send;
import dev.rpcws.protocol.Js;
import dev.rpcws.protocol.Json;
import dev.rpcws.protocol.Wire;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Compares what the reference and the Jetty server sent in one session, frame by frame and byte for byte,
 * after the {@link Deviation} normalisers. A normaliser works on parsed frames; a rewritten frame is compared
 * through the project's JSON codec only if that codec writes the frame's original bytes back exactly
 * (otherwise the raw bytes must match), so a normaliser can never hide a difference in escapes or numbers.
 */
final class Comparison {
    final Session session;
    final Map<String, String> referenceIds = new HashMap<>();
    final Map<String, String> jettyIds = new HashMap<>();
    /** Step number of the connection outcomes ("opened" or "refused"), before the session's first step. */
    static final int OPENING = -1;
    /** Connections whose comparison a normaliser ended, and which one. */
    final Map<Integer, Deviation> stopped = new HashMap<>();
    /** How often each normaliser rewrote or dropped something. */
    final Map<Deviation, Integer> fired = new EnumMap<>(Deviation.class);
    /** The first difference no normaliser explains, or null. */
    Difference difference;
    /** Frames the reference sent that compared equal, and how many of them were events. */
    int frames;
    int events;

    private Comparison(Session session) {
        this.session = session;
    }

    /** A difference: where, what the session did there, and both servers' frames as they arrived. */
    record Difference(String where, List<String> reference, List<String> jetty) {
        String describe() {
            return where + "\n    reference: " + String.join("\n               ", reference.isEmpty() ? List.of("(nothing)") : reference)
                    + "\n    jetty:     " + String.join("\n               ", jetty.isEmpty() ? List.of("(nothing)") : jetty);
        }
    }

    static Comparison of(Session session, Observation reference, Observation jetty) {
        Comparison c = new Comparison(session);
        c.compare(reference, jetty);
        return c;
    }

    private void compare(Observation reference, Observation jetty) {
        int conns = session.connections().size();
        for (int conn = 0; conn < conns; conn++) {
            List<String> r = outcome(reference.opened.get(conn)), j = outcome(jetty.opened.get(conn));
            Exchange x = new Exchange(this, OPENING, conn, r, j);
            for (Deviation d : Deviation.values()) d.normalise(x);
            if (!x.same()) {
                difference = new Difference("opening connection " + conn + " (" + session.connections().get(conn) + ")", r, j);
                return;
            }
        }
        for (int step = 0; step < session.steps().size(); step++) {
            if (!java.util.Objects.equals(reference.admin.get(step), jetty.admin.get(step))) {
                difference = new Difference("step " + step + " (admin API)", List.of(String.valueOf(reference.admin.get(step))),
                        List.of(String.valueOf(jetty.admin.get(step))));
                return;
            }
            for (int conn = 0; conn < conns; conn++) {
                List<String> rawReference = reference.steps.get(step).get(conn);
                List<String> rawJetty = jetty.steps.get(step).get(conn);
                Exchange x = new Exchange(this, step, conn, rawReference, rawJetty);
                Deviation stoppedBy = stopped.get(conn);
                if (stoppedBy != null) {
                    if (!x.reference.isEmpty()) x.explainedBy(stoppedBy);
                    x.reference.clear();
                }
                for (Deviation d : Deviation.values()) d.normalise(x);
                if (!x.same()) {
                    difference = new Difference("step " + step + ", connection " + conn, rawReference, rawJetty);
                    return;
                }
                frames += x.reference.size();
                events += (int) x.reference.stream().filter(r -> r.raw.startsWith("{\"notification\":")).count();
            }
        }
    }

    /** A connection's opening as a list of pseudo-frames: empty when it opened. */
    private static List<String> outcome(String refused) {
        return refused == null ? List.of() : List.of(Observation.REFUSED);
    }

    /** One connection's frames at one step, on both servers, as the normalisers see and rewrite them. */
    static final class Exchange {
        final Comparison context;
        final int step;
        final int conn;
        final List<Received> reference = new ArrayList<>();
        final List<Received> jetty = new ArrayList<>();

        Exchange(Comparison context, int step, int conn, List<String> reference, List<String> jetty) {
            this.context = context;
            this.step = step;
            this.conn = conn;
            reference.forEach(f -> this.reference.add(new Received(f, context)));
            jetty.forEach(f -> this.jetty.add(new Received(f, context)));
        }

        /** The calls of {@code method} this connection sent at this step, singly or in a batch. */
        List<JsonNode> sentCalls(String method) {
            JsonNode f = sent();
            List<JsonNode> out = new ArrayList<>();
            if (f != null) {
                for (JsonNode e : f.isArray() ? f : List.of(f)) {
                    if (Deviation.isCall(e, method)) out.add(e);
                }
            }
            return out;
        }

        /** The frame this connection sent at this step, parsed; null if it sent none or no JSON. */
        JsonNode sent() {
            if (step < 0 || !(context.session.steps().get(step) instanceof Send send) || send.conn() != conn) return null;
            return Deviation.parse(send.frame().text());
        }

        /** From now on what the reference sends on this connection is not compared: {@code d} explains why. */
        void stop(Deviation d) {
            context.stopped.put(conn, d);
            explainedBy(d);
        }

        /** {@code rpc.login} calls with params this connection sent up to this step (singly or in batches). */
        int loginAttempts() {
            int n = 0;
            for (int i = 0; i <= step; i++) {
                if (!(context.session.steps().get(i) instanceof Send send) || send.conn() != conn) continue;
                JsonNode f = Deviation.parse(send.frame().text());
                if (f == null) continue;
                for (JsonNode e : f.isArray() ? f : List.of(f)) {
                    if (Deviation.isCall(e, Wire.LOGIN) && Js.truthy(e.get("params"))) n++;
                }
            }
            return n;
        }

        void explainedBy(Deviation d) {
            context.fired.merge(d, 1, Integer::sum);
        }

        boolean same() {
            if (reference.size() != jetty.size()) return false;
            for (int i = 0; i < reference.size(); i++) {
                if (!reference.get(i).sameAs(jetty.get(i))) return false;
            }
            return true;
        }
    }

    /** A frame as it arrived, its parsed form (which normalisers rewrite), and whether the codec writes it back exactly. */
    static final class Received {
        final String raw;
        JsonNode tree;
        final boolean faithful;
        private final Set<Deviation> rewrittenBy = EnumSet.noneOf(Deviation.class);
        private final Comparison context;

        Received(String raw, Comparison context) {
            this.raw = raw;
            this.context = context;
            this.tree = raw.startsWith("<") ? null : Deviation.parse(raw);
            this.faithful = tree != null && Json.write(tree).equals(raw);
        }

        /** The reply objects of this frame: the frame itself, or the objects of a batch reply. */
        List<ObjectNode> replies() {
            List<ObjectNode> out = new ArrayList<>();
            if (tree instanceof ObjectNode o) out.add(o);
            else if (tree instanceof ArrayNode a) a.forEach(e -> { if (e instanceof ObjectNode o) out.add(o); });
            return out;
        }

        void rewrittenBy(Deviation d) {
            rewrittenBy.add(d);
            context.fired.merge(d, 1, Integer::sum);
        }

        boolean sameAs(Received other) {
            if (rewrittenBy.isEmpty() && other.rewrittenBy.isEmpty()) return raw.equals(other.raw);
            return faithful && other.faithful && Json.write(tree).equals(Json.write(other.tree));
        }
    }

    /** A copy of {@code node} with every string value passed through {@code f}. */
    static JsonNode mapStrings(JsonNode node, UnaryOperator<String> f) {
        if (node.isTextual()) return Json.mapper().getNodeFactory().textNode(f.apply(node.textValue()));
        if (node instanceof ArrayNode a) {
            ArrayNode out = Json.array();
            a.forEach(e -> out.add(mapStrings(e, f)));
            return out;
        }
        if (node instanceof ObjectNode o) {
            ObjectNode out = Json.object();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(e.getKey(), mapStrings(e.getValue(), f));
            }
            return out;
        }
        return node;
    }
}
