package dev.rpcws.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.fuzz.Comparison.Received;
import dev.rpcws.fuzz.Session.Send;
import dev.rpcws.protocol.Js;
import dev.rpcws.protocol.Json;
import dev.rpcws.protocol.Wire;
import dev.rpcws.server.ServerOptions;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The wire deviations of the README's table "On the wire", one constant per row, named by the row's
 * id. Each is either a <em>normaliser</em> (it rewrites what one or both servers sent so that the documented
 * difference compares equal, and nothing else) or a rule that keeps an input <em>apart</em> from the compared
 * stream (the reference crashes on it or shares state by design); kept-apart inputs run against the Jetty
 * server alone, which must answer them with a JSON-RPC reply or a documented close and keep serving.
 * DeviationTableTest holds the table and this enum to one another.
 */
public enum Deviation {
    /** A method returning nothing: the reference leaves {@code result} out, rpcws answers {@code "result":null}. */
    D1 {
        @Override void normalise(Comparison.Exchange x) {
            for (Received r : x.reference) {
                for (ObjectNode reply : r.replies()) {
                    if (reply.size() == 2 && reply.has("jsonrpc") && reply.has("id")) {
                        JsonNode id = reply.remove("id");
                        reply.putNull("result");
                        reply.set("id", id);
                        r.rewrittenBy(this);
                    }
                }
            }
        }
    },
    /** {@code rpc.on}/{@code rpc.off} with truthy non-array params kill the reference; rpcws answers -32602. */
    D2 {
        @Override boolean keepsApart(JsonNode element) {
            return isCall(element, Wire.SUBSCRIBE, Wire.UNSUBSCRIBE) && Js.truthy(element.get("params"))
                    && !element.get("params").isArray() && !element.get("params").isTextual();
        }
    },
    /**
     * Names inherited from {@code Object.prototype}: as methods the reference "finds" them and fails with
     * {@code -32000 TypeError} (a notification gets nothing), rpcws answers -32601; {@code rpc.off} with such a
     * name kills the reference (kept apart).
     */
    D3 {
        private static final String NOT_A_FUNCTION = "this.namespaces[ns].rpc_methods[message.method].fn is not a function";
        private static final String NOT_FOUND_NOTIFICATION = "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":null}";

        @Override void normalise(Comparison.Exchange x) {
            for (Received r : x.reference) {
                for (ObjectNode reply : r.replies()) {
                    JsonNode e = reply.get("error");
                    if (e != null && e.path("code").asInt() == -32000 && "TypeError".equals(e.path("message").textValue())
                            && NOT_A_FUNCTION.equals(e.path("data").textValue())) {
                        reply.set("error", Json.object().put("code", -32601).put("message", "Method not found"));
                        r.rewrittenBy(this);
                    }
                }
            }
            // A notification calling an inherited name: the reference's handler "throws" and it answers nothing,
            // rpcws answers -32601 with id null. Alone, that is its one reply; in a batch, as many of rpcws's
            // identical such errors are dropped as the batch had those notifications, in order (the other
            // replies then compare as usual, so an alignment that does not work out explains nothing).
            JsonNode sent = x.sent();
            if (sent == null) return;
            int notifications = 0;
            for (JsonNode e : sent.isArray() ? sent : List.of(sent)) {
                if (isCall(e) && !Js.truthy(e.get("id")) && OBJECT_PROTOTYPE_NAMES.contains(e.get("method").textValue())) notifications++;
            }
            if (notifications == 0 || x.jetty.size() != 1) return;
            Received jetty = x.jetty.get(0);
            if (sent.isObject()) {
                if (x.reference.isEmpty() && NOT_FOUND_NOTIFICATION.equals(jetty.raw)) {
                    x.jetty.clear();
                    x.explainedBy(this);
                }
                return;
            }
            if (!(jetty.tree instanceof ArrayNode replies) || x.reference.size() > 1) return;
            List<String> theirs = new ArrayList<>();
            if (x.reference.size() == 1) {
                if (!(x.reference.get(0).tree instanceof ArrayNode ref)) return;
                ref.forEach(e -> theirs.add(Json.write(e)));
            }
            ArrayNode kept = Json.array();
            int j = 0;
            int dropped = 0;
            for (JsonNode reply : replies) {
                boolean candidate = NOT_FOUND_NOTIFICATION.equals(Json.write(reply));
                if (candidate && !(j < theirs.size() && NOT_FOUND_NOTIFICATION.equals(theirs.get(j)))) {
                    dropped++;
                    continue;
                }
                kept.add(reply);
                j++;
            }
            if (dropped != notifications || kept.size() != theirs.size()) return;
            if (kept.isEmpty()) {
                x.jetty.clear();
                x.explainedBy(this);
            } else {
                jetty.tree = kept;
                jetty.rewrittenBy(this);
            }
        }

        @Override boolean keepsApart(JsonNode element) {
            if (!isCall(element, Wire.UNSUBSCRIBE) || !element.path("params").isArray()) return false;
            for (JsonNode name : element.get("params")) {
                if (OBJECT_PROTOTYPE_NAMES.contains(Js.string(name))) return true;
            }
            return false;
        }
    },
    /** {@code -32700} data is the parser's message: V8's on the reference, {@code SyntaxError: } + Jackson's on rpcws. */
    D4 {
        @Override void normalise(Comparison.Exchange x) {
            for (List<Received> side : List.of(x.reference, x.jetty)) {
                for (Received r : side) {
                    for (ObjectNode reply : r.replies()) {
                        JsonNode e = reply.get("error");
                        if (e instanceof ObjectNode error && error.path("code").asInt() == -32700 && error.path("data").isTextual()) {
                            error.put("data", "<parser message>");
                            r.rewrittenBy(this);
                        }
                    }
                }
            }
        }
    },
    /** A handler's unexpected exception: the reference sends the JS class name and message, rpcws {@code "Error"}, {@code "Internal error"}. */
    D9 {
        private final Pattern jsErrorName = Pattern.compile("(?:[A-Z][A-Za-z]*)?Error");

        @Override void normalise(Comparison.Exchange x) {
            for (Received r : x.reference) {
                for (ObjectNode reply : r.replies()) {
                    JsonNode e = reply.get("error");
                    if (e != null && e.size() == 3 && e.path("code").asInt() == -32000 && e.path("message").isTextual()
                            && jsErrorName.matcher(e.get("message").textValue()).matches() && e.path("data").isTextual()) {
                        reply.set("error", Json.object().put("code", -32000).put("message", "Error").put("data", "Internal error"));
                        r.rewrittenBy(this);
                    }
                }
            }
        }
    },
    /**
     * Connections sharing a {@code socket_id}: the reference shares their login and subscriptions and delivers
     * events to the newest only (and crashes once one of them has closed); rpcws keeps them apart. Such
     * sessions are kept apart.
     */
    D10 {
        @Override boolean keepsApart(Session session) {
            Set<String> ids = new HashSet<>();
            for (String target : session.connections()) {
                String id = referenceSocketId(target);
                if (id != null && !ids.add(id)) return true;
            }
            return false;
        }
    },
    /**
     * An escaped lone surrogate in a member name ({@code {"\\ud800":1}}): V8 reads it, Jackson refuses it, so
     * rpcws answers -32700. The reference may act on such a frame (log in, subscribe): kept apart.
     */
    D13 {
        @Override boolean keepsApart(String frame) {
            return refusedByTheCodec(frame, "surrogate");
        }
    },
    /**
     * Nesting deeper than 1000 levels, or a number literal longer than 1000 characters: V8 reads it, rpcws
     * answers -32700. The reference may act on such a frame: kept apart.
     */
    D14 {
        @Override boolean keepsApart(String frame) {
            return refusedByTheCodec(frame, "exceeds the maximum allowed");
        }
    },
    /**
     * The upgrade's request-target: Jetty refuses the ones its URI compliance finds ambiguous (an empty segment
     * {@code //}, an encoded {@code .}, {@code /}, {@code \\} or {@code %}, an encoded control character, a
     * {@code ..;} segment) with HTTP 400, where the reference makes a namespace of any path (what the reference
     * sent on such a connection is then not compared); and a repeated {@code socket_id} is an array of its values
     * to the reference (what {@code whoami} returns), its first value to rpcws.
     */
    D15 {
        private final Pattern ambiguous = Pattern.compile("//|%2[eEfF]|%5[cC]|%25|%[01][0-9a-fA-F]|%7[fF]|\\.\\.;");

        @Override void normalise(Comparison.Exchange x) {
            String target = x.context.session.connections().get(x.conn);
            if (x.step == Comparison.OPENING) {
                int q = target.indexOf('?');
                if (x.jetty.size() == 1 && x.jetty.get(0).raw.equals(Observation.REFUSED) && x.reference.isEmpty()
                        && ambiguous.matcher(q < 0 ? target : target.substring(0, q)).find()) {
                    x.jetty.clear();
                    x.stop(this);
                }
                return;
            }
            List<String> values = socketIdValues(target);
            if (values.size() < 2) return;
            JsonNode array = Json.array().addAll(values.stream().map(v -> (JsonNode) Json.mapper().getNodeFactory().textNode(v)).toList());
            for (Received r : x.reference) {
                for (ObjectNode reply : r.replies()) {
                    if (array.equals(reply.get("result"))) {
                        reply.put("result", values.get(0));
                        r.rewrittenBy(this);
                    }
                }
            }
        }
    },
    /** Socket ids are random UUID v4 on both servers (different draws): each is replaced by its order of first appearance. */
    D17 {
        private final Pattern uuid = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

        @Override void normalise(Comparison.Exchange x) {
            rename(x.reference, x.context.referenceIds);
            rename(x.jetty, x.context.jettyIds);
        }

        private void rename(List<Received> side, java.util.Map<String, String> names) {
            for (Received r : side) {
                if (r.tree == null || !uuid.matcher(r.raw).find()) continue;
                r.tree = Comparison.mapStrings(r.tree, s -> uuid.matcher(s).matches() ? names.computeIfAbsent(s, k -> "<socket id " + (names.size() + 1) + ">") : s);
                r.rewrittenBy(this);
            }
        }
    },
    /**
     * After {@value #MAX_FAILED_LOGINS} failed {@code rpc.login} calls rpcws closes the connection with 1008;
     * the reference never does. From that close on, what the reference sent on the connection is not compared.
     * When the fuzzer's next frame races the close frame, the server drops the socket and the fuzzer's client
     * reports its own 1006 instead.
     */
    D18 {
        @Override void normalise(Comparison.Exchange x) {
            for (int i = 0; i < x.jetty.size(); i++) {
                String f = x.jetty.get(i).raw;
                boolean closed = f.equals(Observation.CLOSE + Wire.CLOSE_POLICY_VIOLATION + " Too many failed logins>")
                        || f.startsWith(Observation.CLOSE + Wire.CLOSE_ABNORMAL + " ");
                if (closed && x.loginAttempts() >= MAX_FAILED_LOGINS) {
                    x.jetty.remove(i);
                    while (x.reference.size() > i) x.reference.remove(x.reference.size() - 1);
                    x.stop(this);
                    return;
                }
            }
        }
    };

    /** The Jetty server's default, which the fuzzer runs with. */
    static final int MAX_FAILED_LOGINS = ServerOptions.builder().build().maxFailedLogins();

    /** An escaped surrogate ({@code \\udXXX} whose backslash is not itself escaped); group 1: escaped backslashes before it. */
    static final Pattern LONE_SURROGATE_ESCAPE = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u[dD][89a-fA-F][0-9a-fA-F]{2}");

    /** Own properties of V8's {@code Object.prototype}: what a plain JS object "has" without declaring it. */
    public static final Set<String> OBJECT_PROTOTYPE_NAMES = Set.of("constructor", "__defineGetter__", "__defineSetter__",
            "hasOwnProperty", "__lookupGetter__", "__lookupSetter__", "isPrototypeOf", "propertyIsEnumerable", "toString",
            "valueOf", "__proto__", "toLocaleString");

    /** Rewrites one connection's frames at one step; the default explains nothing. */
    void normalise(Comparison.Exchange x) {}

    /** Whether one request (a frame, or an element of a batch) must not be sent to the reference. */
    boolean keepsApart(JsonNode element) {
        return false;
    }

    /** Whether a frame must not be sent to the reference, judged on its text. */
    boolean keepsApart(String frame) {
        return false;
    }

    /** Whether a whole session must not be compared. */
    boolean keepsApart(Session session) {
        return false;
    }

    /** The deviation that keeps this frame out of the compared stream, or null. */
    static Deviation keepingApart(Send send) {
        for (Deviation d : values()) {
            if (d.keepsApart(send.frame().text())) return d;
        }
        JsonNode frame = parse(send.frame().text());
        if (frame == null) return null;
        List<JsonNode> elements = new ArrayList<>();
        if (frame.isArray()) frame.forEach(elements::add);
        else elements.add(frame);
        for (JsonNode e : elements) {
            for (Deviation d : values()) {
                if (d.keepsApart(e)) return d;
            }
        }
        return null;
    }

    /** Whether the project's codec refuses {@code frame} with a message containing {@code why}. */
    static boolean refusedByTheCodec(String frame, String why) {
        try {
            Json.parse(frame);
            return false;
        } catch (Json.JsonSyntaxException e) {
            return e.getMessage().contains(why);
        }
    }

    static JsonNode parse(String text) {
        try {
            return Json.parse(text);
        } catch (Json.JsonSyntaxException e) {
            return null;
        }
    }

    /** A request the reference gets as far as its method dispatch with: right version, a method name, params not a non-empty string. */
    static boolean isCall(JsonNode m, String... methods) {
        if (m == null || !m.isObject() || !"2.0".equals(m.path("jsonrpc").textValue())) return false;
        JsonNode method = m.get("method");
        if (method == null || !method.isTextual() || method.textValue().isEmpty()) return false;
        JsonNode params = m.get("params");
        if (params != null && params.isTextual() && !params.textValue().isEmpty()) return false;
        return methods.length == 0 || List.of(methods).contains(method.textValue());
    }

    /** The names an {@code rpc.on}/{@code rpc.off} call lists, as the reference turns them into keys. */
    static List<String> names(JsonNode call) {
        List<String> out = new ArrayList<>();
        if (call.path("params").isArray()) call.get("params").forEach(n -> out.add(Js.string(n)));
        return out;
    }

    /** An {@code rpc.on}/{@code rpc.off} result: an object whose values are all subscription statuses. */
    static boolean isStatusMap(JsonNode result) {
        if (result == null || !result.isObject()) return false;
        for (JsonNode v : result) {
            if (!STATUSES.contains(v.textValue())) return false;
        }
        return true;
    }

    private static final Set<String> STATUSES = Set.of(Wire.STATUS_OK, Wire.STATUS_EVENT_INVALID, Wire.STATUS_NOT_SUBSCRIBED, Wire.STATUS_ALREADY_SUBSCRIBED);

    /**
     * The socket id the reference gives a connection to {@code target} ({@code path?query}), or null for a
     * random one: Node's query-string parsing (percent-decoding, {@code +} as space, repeated keys joined).
     */
    static String referenceSocketId(String target) {
        String id = String.join(",", socketIdValues(target));
        return id.isEmpty() ? null : id;
    }

    /** The values of {@code socket_id} in the query of {@code target}, decoded as Node's query-string parser does. */
    static List<String> socketIdValues(String target) {
        int q = target.indexOf('?');
        List<String> values = new ArrayList<>();
        if (q < 0) return values;
        for (String pair : target.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (!key.equals("socket_id")) continue;
            try {
                values.add(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException malformed) {
                values.add(pair.substring(eq + 1));
            }
        }
        return values;
    }
}
