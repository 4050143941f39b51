package dev.rpcws.fuzz;

import dev.rpcws.protocol.Wire;

import dev.rpcws.fuzz.Session.Batch;
import dev.rpcws.fuzz.Session.Binary;
import dev.rpcws.fuzz.Session.Close;
import dev.rpcws.fuzz.Session.Emit;
import dev.rpcws.fuzz.Session.Frame;
import dev.rpcws.fuzz.Session.Send;
import dev.rpcws.fuzz.Session.Step;
import dev.rpcws.fuzz.Session.Text;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes random sessions against the compat fixture (docs/compat-fixture.md). A case is a pure function of
 * (seed, case number), so any case can be written again from those two numbers.
 *
 * <p>What it leaves out of the compared stream, and why:
 * <ul>
 *   <li>{@code hang}, the fixture's one asynchronous method: the runner's sync probes assume that a frame's
 *       reply is written before a probe sent after it is answered.</li>
 *   <li>Lone surrogates in event names: a name becomes a member name of the reply, which the project's codec
 *       cannot read back (D13), so that reply could not be normalised.</li>
 * </ul>
 * Inputs that crash the reference (D2, D3), sessions whose connections share a {@code socket_id} (D10) and frames
 * the codec refuses (D13, D14) are generated; the fuzzer runs them against the Jetty server alone ({@link Deviation}).
 */
public final class SessionGenerator {
    public static final int DEFAULT_MAX_STEPS = 8;

    static final Map<String, List<String>> METHODS = Map.of(
            "/", List.of("sum", "subtract", "sqrt", "greet", "echo", "notification", "update", "whoami", "cryptic",
                    "sqrt_protected", "throwsSrvError", "throwsJsError", "throwsNoData", Wire.LOGIN, Wire.LIST_METHODS),
            "/chat", List.of("chatOnly", Wire.LIST_METHODS),
            "/chatroom", List.of("sendMsg", Wire.LIST_METHODS),
            "/test", List.of(Wire.LIST_METHODS));
    static final Map<String, List<String>> EVENTS = Map.of(
            "/", List.of("newsUpdate", "newMail", "updatedNews", "newMessage", "secretNews"),
            "/chat", List.of("newMessage", "chatMessage"),
            "/test", List.of("test"));
    private static final List<String> ALL_EVENTS = List.of("newsUpdate", "newMail", "updatedNews", "newMessage", "secretNews",
            "chatMessage", "test", "nope", "");
    private static final List<String> OTHER_METHODS = List.of("chatOnly", "sendMsg", "sum", "nope", "SUM", "sum ", "rpc.nope",
            "rpc.", "rpc.ON", "hang2", "\u00e9cho", "\ud83d\ude00");

    private static final String[] STRING_PIECES = {"a", "hello", "newsUpdate", " ", "\\n", "\\t", "\\\"", "\\\\", "\\/", "\\b", "\\f",
            "\\r", "\\u0000", "\\u001f", "\\u007f", "\u007f", "\\u00e9", "\u00e9", "\u4e2d", "\ud83d\ude00", "\\ud83d\\ude00", "\\uD83D\\uDE00",
            "\u2028", "\\u2028", "\u2029", "\\u00a0", "\u00a0", "\ufeff", "\\ufeff", "\\uffff", "\uffff", "<", "&", "'", "%", "\ud834\udd1e",
            "\\u0085"};
    /** Escaped lone surrogates: JSON.parse keeps them, JSON.stringify writes them in lower case. */
    private static final String[] LONE_SURROGATES = {"\\ud800", "\\udfff", "\\uDC00", "\\ud800\\u0041", "\\udbff"};

    private final long seed;
    private final int maxSteps;

    public SessionGenerator(long seed, int maxSteps) {
        this.seed = seed;
        this.maxSteps = maxSteps;
    }

    public Session session(long caseNumber) {
        return new Writer(new SplittableRandom(seed * 0x9E3779B97F4A7C15L + caseNumber), caseNumber).session();
    }

    /** The frames and steps of one case. */
    private final class Writer {
        private final SplittableRandom r;
        /** Whether strings may hold escaped lone surrogates (not in event names, see the class comment). */
        private boolean lone = true;
        private final long caseNumber;
        private final List<String> namespaces = new ArrayList<>();

        Writer(SplittableRandom r, long caseNumber) {
            this.r = r;
            this.caseNumber = caseNumber;
        }

        Session session() {
            double kind = r.nextDouble();
            if (kind < 0.12) return loginSession();
            if (kind < 0.24) return eventSession();
            int conns = chance(0.6) ? 1 : chance(0.75) ? 2 : 3;
            List<String> connections = new ArrayList<>();
            for (int i = 0; i < conns; i++) connections.add(connection(i, connections));
            List<Step> steps = new ArrayList<>();
            boolean[] closed = new boolean[conns];
            int n = 1 + r.nextInt(maxSteps);
            for (int i = 0; i < n; i++) {
                int conn = r.nextInt(conns);
                if (closed[conn]) continue;
                double p = r.nextDouble();
                if (p < 0.12) steps.add(emit());
                else if (p < 0.14 && conns > 1) {
                    steps.add(new Close(conn));
                    closed[conn] = true;
                } else steps.add(new Send(conn, frame(namespaces.get(conn))));
            }
            return new Session(seed, caseNumber, connections, steps);
        }

        /**
         * A session about the login state: one or two connections to the root namespace, calls that answer
         * {@code true} or not, logins (right, wrong, as notifications, in batches), and protected methods, events
         * and emits before and after. The state machine an attacker probes first, so it gets sessions of its own.
         */
        private Session loginSession() {
            int conns = chance(0.7) ? 1 : 2;
            List<String> connections = new ArrayList<>();
            for (int i = 0; i < conns; i++) {
                connections.add("/?socket_id=login-" + caseNumber + "-" + i);
                namespaces.add("/");
            }
            List<Step> steps = new ArrayList<>();
            int n = 1 + r.nextInt(Math.max(1, maxSteps));
            for (int i = 0; i < n; i++) {
                int conn = r.nextInt(conns);
                double p = r.nextDouble();
                if (p < 0.1) steps.add(new Emit(chance(0.5) ? null : "/", "secretNews", List.of(value(1))));
                else if (p < 0.25) steps.add(new Send(conn, new Batch(List.of(loginStep(), loginStep(), loginStep()))));
                else steps.add(new Send(conn, new Text(loginStep())));
            }
            return new Session(seed, caseNumber, connections, steps);
        }

        /**
         * A session about events: connections to namespaces that declare them (the same name in two, one name
         * protected), subscriptions and unsubscriptions, and global and namespace emits with arguments of every
         * shape (the flattening rules differ between the two), so that events meet their subscribers.
         */
        private Session eventSession() {
            int conns = 1 + r.nextInt(3);
            List<String> connections = new ArrayList<>();
            for (int i = 0; i < conns; i++) {
                String path = pick("/", "/", "/chat", "/test");
                connections.add(path + "?socket_id=events-" + caseNumber + "-" + i);
                namespaces.add(path);
            }
            List<Step> steps = new ArrayList<>();
            List<String> subscribed = new ArrayList<>(); // emits mostly name an event some connection asked for
            for (int conn = 0; conn < conns; conn++) { // every connection subscribes first
                String event = pick(EVENTS.get(namespaces.get(conn)).toArray(String[]::new));
                subscribed.add(event);
                steps.add(new Send(conn, new Text("{\"jsonrpc\":\"2.0\",\"method\":" + quote(Wire.SUBSCRIBE) + ",\"params\":[" + quote(event) + "],\"id\":" + (conn + 100) + "}")));
            }
            int n = 1 + r.nextInt(Math.max(1, maxSteps - conns));
            for (int i = 0; i < n; i++) {
                int conn = r.nextInt(conns);
                List<String> own = EVENTS.get(namespaces.get(conn));
                double p = r.nextDouble();
                if (p < 0.4) {
                    List<String> args = new ArrayList<>();
                    for (int a = chance(0.3) ? 1 : r.nextInt(4); a > 0; a--) args.add(value(2));
                    String event = !subscribed.isEmpty() && chance(0.75) ? subscribed.get(r.nextInt(subscribed.size()))
                            : chance(0.8) ? pick(own.toArray(String[]::new)) : pick("newMessage", "secretNews", "nope");
                    steps.add(new Emit(chance(0.5) ? null : namespaces.get(conn), event, args));
                } else if (p < 0.75) {
                    String event = pick(own.toArray(String[]::new));
                    subscribed.add(event);
                    String names = "[" + quote(event) + (chance(0.4) ? "," + quote(pick(ALL_EVENTS.toArray(String[]::new))) : "") + "]";
                    steps.add(new Send(conn, new Text("{\"jsonrpc\":\"2.0\",\"method\":" + quote(Wire.SUBSCRIBE) + ",\"params\":" + names + ",\"id\":" + (i + 1) + "}")));
                } else if (p < 0.85) {
                    steps.add(new Send(conn, new Text("{\"jsonrpc\":\"2.0\",\"method\":" + quote(Wire.UNSUBSCRIBE) + ",\"params\":[" + quote(pick(own.toArray(String[]::new))) + "],\"id\":" + (i + 1) + "}")));
                } else if (p < 0.95) {
                    steps.add(new Send(conn, new Text(loginStep())));
                } else if (conns > 1) {
                    steps.add(new Close(conn));
                    break;
                }
            }
            return new Session(seed, caseNumber, connections, steps);
        }

        private String loginStep() {
            String id = chance(0.85) ? Integer.toString(1 + r.nextInt(999)) : pick("0", "null", "\"\"", "false");
            // The right login thrice: what a logged-in connection may do is what the login state guards.
            String login = quote(Wire.LOGIN) + ",\"params\":{\"username\":\"foo\",\"password\":\"bar\"}";
            String call = pick(
                    quote("notification"), quote("notification"), quote("echo") + ",\"params\":true", quote("echo") + ",\"params\":[true]",
                    quote("greet"), quote("cryptic"), quote("cryptic"), quote("sqrt_protected") + ",\"params\":[16]",
                    quote(Wire.SUBSCRIBE) + ",\"params\":[\"secretNews\"]", quote(Wire.SUBSCRIBE) + ",\"params\":[\"newsUpdate\",\"secretNews\"]",
                    quote(Wire.UNSUBSCRIBE) + ",\"params\":[\"secretNews\"]",
                    login, login, login,
                    quote(Wire.LOGIN) + ",\"params\":{\"username\":\"foo\",\"password\":\"nope\"}",
                    quote(Wire.LOGIN) + ",\"params\":[\"foo\",\"bar\"]", quote(Wire.LOGIN));
            return "{\"jsonrpc\":\"2.0\",\"method\":" + call + (id.equals("null") && chance(0.5) ? "" : ",\"id\":" + id) + "}";
        }

        // ---- connections ----

        private String connection(int index, List<String> earlier) {
            String path = pick(
                    "/", "/", "/", "/", "/", "/", "/", "/", "/chat", "/chat", "/chat", "/chatroom", "/chatroom", "/test", "/test",
                    "/chat/", "/nope", "/a/b", "/CHAT", "/%63hat", "//chat", "/chat;x=1", "/%C3%A9t%C3%A9", "/chat%20room", "/.");
            namespaces.add(namespaceOf(path));
            // Unique per case: a later case must not meet a socket id whose earlier connection the reference is
            // still closing (its close handler would drop the newer connection: D10).
            String unique = "-" + caseNumber + "-" + index;
            String query = "";
            double p = r.nextDouble();
            if (p < 0.05 && !earlier.isEmpty()) {
                String other = earlier.get(r.nextInt(earlier.size()));
                int q = other.indexOf('?');
                query = q < 0 ? "?socket_id=id" + unique : other.substring(q); // often the same socket id as an earlier connection (D10)
            } else if (p < 0.25) {
                query = "?socket_id=" + pick("id", "a+b", "%C3%A9t%C3%A9", "%F0%9F%98%80", "x%26y", "%25", "0", "%20") + unique;
            } else if (p < 0.30) {
                query = pick("?socket_id=", "?socket_id", "?foo=1&socket_id=bar" + unique, "?socket_id=a" + unique + "&socket_id=b" + unique,
                        "?SOCKET_ID=up" + unique);
            }
            return path + query;
        }

        /** The fixture namespace a path lands in (its methods and events), or "" for one created on connect. */
        private String namespaceOf(String path) {
            return METHODS.containsKey(path) ? path : "";
        }

        // ---- frames ----

        private Frame frame(String ns) {
            double p = r.nextDouble();
            if (p < 0.02) return new Batch(loginStorm()); // the Jetty server's failed-login limit (D18)
            if (p < 0.55) return new Text(request(ns));
            if (p < 0.75) return new Batch(batchElements(ns));
            if (p < 0.87) return new Text(junk(ns));
            return new Binary(binary(ns));
        }

        private List<String> batchElements(String ns) {
            int n = chance(0.08) ? 0 : 1 + r.nextInt(6);
            List<String> elements = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                double p = r.nextDouble();
                if (p < 0.78) elements.add(request(ns));
                else if (p < 0.92) elements.add(value(1));
                else elements.add("[" + request(ns) + "]"); // a nested batch is one invalid element
            }
            return elements;
        }

        /** Failed logins, as many as the Jetty server allows on a connection, or one fewer. */
        private List<String> loginStorm() {
            List<String> logins = new ArrayList<>();
            for (int i = Deviation.MAX_FAILED_LOGINS - r.nextInt(2); i > 0; i--) {
                logins.add("{\"jsonrpc\":\"2.0\",\"method\":" + quote(Wire.LOGIN) + ",\"params\":{\"username\":\"foo\",\"password\":\"guess" + i + "\"},\"id\":" + (900 + i) + "}");
            }
            return logins;
        }

        private byte[] binary(String ns) {
            String text = chance(0.7) ? request(ns) : chance(0.5) ? new Batch(batchElements(ns)).text() : junk(ns);
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            if (!chance(0.25)) return utf8;
            // Malformed UTF-8 somewhere: both servers decode binary frames with replacement characters.
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = r.nextInt(utf8.length + 1);
            out.write(utf8, 0, at);
            byte[][] bad = {{(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82},
                    {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}, {(byte) 0x80}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
            byte[] b = bad[r.nextInt(bad.length)];
            out.write(b, 0, b.length);
            out.write(utf8, at, utf8.length - at);
            return out.toByteArray();
        }

        /** Invalid JSON, or valid JSON that is no request. */
        private String junk(String ns) {
            if (chance(0.2)) {
                String req = request(ns);
                return req.substring(0, r.nextInt(req.length())); // truncated
            }
            if (chance(0.35)) return value(2);
            if (chance(0.05)) return "[".repeat(40 + r.nextInt(100)) + "]".repeat(r.nextInt(160));
            if (chance(0.03)) { // the codec's read limits (D14): 1000 levels, 1000-character numbers
                int depth = 995 + r.nextInt(10);
                return chance(0.5) ? "[".repeat(depth) + "]".repeat(depth) : "1".repeat(995 + r.nextInt(10));
            }
            return pick("", " ", "\t\n", "{", "[", "]", "{]", "nul", "tru", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "+1", "-", "1e",
                    "NaN", "Infinity", "-Infinity", "'x'", "{'a':1}", "\"\\x\"", "\"\\u12\"", "\"\\uZZZZ\"", "//c\n{}", "{} {}", "{}x", "[] []",
                    "\ufeff{}", "[1 2]", "{\"a\" 1}", "\"abc", "\"a\u0001b\"", "\"a\tb\"", "0x10", "\u00a0{}", "{\u000b}", "{\"a\":1}\u0000",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2],\"id\":1}}", "[{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"id\":1}",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2],\"id\":1,}", "\"\\ud800\"", "[\"\\udc00\\ud800\"]",
                    "{\"\":\"\"}", "{\"a\":1,\"a\":2}", "-0", "1E400", "[-0.0]", "\"\\/\"");
        }

        // ---- requests ----

        /** A request object; members in the usual order mostly, some missing, some of the wrong type. */
        private String request(String ns) {
            String method = method(ns);
            List<String> members = new ArrayList<>();
            if (!chance(0.05)) members.add("\"jsonrpc\":" + (chance(0.93) ? "\"2.0\"" : pick("\"1.0\"", "2", "2.0", "null", "\"2.00\"", "\" 2.0\"", "\"\"", "true", "[\"2.0\"]")));
            if (method != null) members.add("\"method\":" + method);
            String name = method == null ? null : decodedName(method);
            String params = params(ns, name);
            if (params != null) members.add("\"params\":" + params);
            String id = id();
            if (id != null) members.add("\"id\":" + id);
            if (chance(0.04)) members.add(pick("\"foo\":\"bar\"", "\"id\":7", "\"method\":\"sum\"", "\"params\":[9]", "\"jsonrpc\":\"1.0\"", "\"result\":1", "\"error\":{}"));
            if (chance(0.05)) java.util.Collections.shuffle(members, new java.util.Random(r.nextLong()));
            return "{" + String.join(",", members) + "}";
        }

        /** The method member's JSON, or null to leave it out. */
        private String method(String ns) {
            double p = r.nextDouble();
            if (p < 0.03) return null;
            if (p < 0.07) return pick("\"\"", "0", "null", "false", "1", "true", "[]", "{}", "[\"sum\"]", "-1.5");
            if (p < 0.22) return quote(Wire.SUBSCRIBE);
            if (p < 0.31) return quote(Wire.UNSUBSCRIBE);
            if (p < 0.43) return quote(Wire.LOGIN);
            if (p < 0.47) return quote(pick(Deviation.OBJECT_PROTOTYPE_NAMES.toArray(String[]::new)));
            if (p < 0.53) return quote(pick(OTHER_METHODS.toArray(String[]::new)));
            List<String> own = METHODS.getOrDefault(ns, List.of(Wire.LIST_METHODS));
            return quote(own.get(r.nextInt(own.size())));
        }

        private String params(String ns, String method) {
            if (chance(0.12)) return null;
            if (Wire.SUBSCRIBE.equals(method) || Wire.UNSUBSCRIBE.equals(method)) {
                lone = false; // the names become member names of the reply (see the class comment)
                try {
                    return chance(0.1) ? value(2) : eventParams(ns);
                } finally {
                    lone = true;
                }
            }
            if (chance(0.1) || method == null) return value(2);
            switch (method) {
                case Wire.LOGIN -> {
                    return pick("{\"username\":\"foo\",\"password\":\"bar\"}", "{\"username\":\"foo\",\"password\":\"bar\"}",
                            "{\"username\":\"foo\",\"password\":\"bar\"}", "{\"password\":\"bar\",\"username\":\"foo\"}",
                            "{\"username\":\"foo\",\"password\":\"nope\"}", "{\"username\":\"foo\"}", "{}", "[\"foo\",\"bar\"]",
                            "{\"username\":\"foo\",\"password\":\"bar\",\"extra\":1}", "{\"username\":[\"foo\"],\"password\":\"bar\"}",
                            "{\"username\":\"foo\",\"password\":\"bar\",\"password\":\"x\"}", "{\"username\":\"x\",\"username\":\"foo\",\"password\":\"bar\"}",
                            "null", "0", "\"\"", "false", "true", "1", "\"foo\"", "{\"username\":\"f\\u006fo\",\"password\":\"bar\"}");
                }
                case "sum" -> {
                    return pick("[1,2]", "[5,3,1]", "[]", "[1.5,2.25]", "[0.1,0.2]", "[1e308,1e308]", "[-0]", "[9007199254740993,1]",
                            "[\"1\",2]", "[null,1]", "[true,1]", "[[1],2]", "{}", "5", "[1e-7]", "[123456789012,3]");
                }
                case "subtract" -> {
                    return pick("[5,3]", "[3,5]", "{\"minuend\":42,\"subtrahend\":23}", "{\"subtrahend\":23,\"minuend\":42}", "[1]", "{}",
                            "[0.3,0.1]", "[\"5\",3]", "{\"minuend\":\"5\",\"subtrahend\":1}", "[null,1]", "[1,2,3]");
                }
                case "sqrt", "sqrt_protected" -> {
                    return pick("4", "[16]", "2", "[2]", "-1", "[-4]", "0", "-0", "\"4\"", "[4,9]", "[]", "null", "true", "[\"9\"]", "1e-320", "[1e308]");
                }
                case "greet" -> {
                    return pick("\"Ada\"", "[\"Ada\"]", "[]", "{}", "5", "[5]", "[\"\"]", "\"\"", "[\"\\u00e9\"]", "[\"\\ud83d\\ude00\"]", "[null]");
                }
                default -> {
                    return value(3);
                }
            }
        }

        private String eventParams(String ns) {
            double p = r.nextDouble();
            if (p < 0.78) return eventNames(ns);
            if (p < 0.88) return pick("null", "0", "\"\"", "false", "-0");
            if (p < 0.93) return pick("\"newsUpdate\"", "\"x\"");
            return pick("{\"0\":\"newsUpdate\"}", "{}", "1", "true", "-1.5"); // non-arrays: D2
        }

        private String eventNames(String ns) {
            int n = r.nextInt(5);
            List<String> names = new ArrayList<>();
            List<String> own = EVENTS.getOrDefault(ns, List.of());
            for (int i = 0; i < n; i++) {
                double p = r.nextDouble();
                if (p < 0.5 && !own.isEmpty()) names.add(quote(own.get(r.nextInt(own.size()))));
                else if (p < 0.7) names.add(quote(pick(ALL_EVENTS.toArray(String[]::new))));
                else if (p < 0.8) names.add(pick("1", "null", "true", "{}", "[]", "[\"newsUpdate\"]", "[[\"newsUpdate\"]]", "[null]", "1.5", "-0",
                        "[\"newsUpdate\",\"newMail\"]", "{\"a\":1}", "\"0\"", "\"10\"", "\"2\"", "\"-1\"", "\"4294967295\""));
                else if (p < 0.85) names.add(quote(pick(Deviation.OBJECT_PROTOTYPE_NAMES.toArray(String[]::new))));
                else names.add(string());
            }
            return "[" + String.join(",", names) + "]";
        }

        private String id() {
            double p = r.nextDouble();
            if (p < 0.15) return null;
            if (p < 0.27) return pick("0", "\"\"", "false", "null", "-0", "0.0", "0e5");
            if (p < 0.7) return Integer.toString(1 + r.nextInt(1000));
            return pick("\"abc\"", "\"0\"", "\"x" + r.nextInt(100) + "\"", "1.5", "-1", "true", "{\"x\":1}", "[1]", "1e21", "\"\\ud83d\\ude00\"",
                    "2.50", "1E2", "9007199254740993", "[]", "{}", "\"\\u0000\"", "-1e-7", "{\"b\":1,\"1\":2}");
        }

        // ---- values ----

        /** Any JSON value, nested up to {@code depth}. */
        private String value(int depth) {
            double p = r.nextDouble();
            if (depth <= 0 || p < 0.45) {
                double q = r.nextDouble();
                if (q < 0.1) return pick("null", "true", "false");
                if (q < 0.5) return number();
                return string();
            }
            int n = r.nextInt(4);
            List<String> items = new ArrayList<>();
            if (p < 0.7) {
                for (int i = 0; i < n; i++) items.add(value(depth - 1));
                return "[" + String.join(",", items) + "]";
            }
            for (int i = 0; i < n; i++) items.add(key() + ":" + value(depth - 1));
            return "{" + String.join(",", items) + "}";
        }

        private String key() {
            if (chance(0.01)) return pick("\"\\ud800\"", "\"a\\udfff\"", "\"\\uDC00\\uD800\""); // D13: kept apart
            return chance(0.3) ? pick("\"0\"", "\"1\"", "\"10\"", "\"01\"", "\"-1\"", "\"4294967294\"", "\"4294967295\"", "\"__proto__\"",
                    "\"constructor\"", "\"\"", "\"a\"", "\"a\"", "\"1.5\"", "\"9007199254740993\"") : string(false);
        }

        private String number() {
            if (chance(0.5)) return Integer.toString(r.nextInt(2001) - 1000);
            return pick("0", "-0", "1.0", "1e2", "1E+2", "1e-2", "0.1", "1.5e-7", "123456789012345678901", "1e400", "-1e400", "5e-324",
                    "1.7976931348623157e308", "0.30000000000000004", "9007199254740993", "1e21", "1e-7", "123e-20", "100000000000000000000",
                    "0.000001", "2.5", "-2.50", "1e308", "4.35", "0.1e1", "1E-0", "18446744073709551616", "2e-323");
        }

        private String string() {
            return string(lone);
        }

        /** A JSON string of random pieces: escapes, non-ASCII, astral characters, and escaped lone surrogates if {@code lone}. */
        private String string(boolean lone) {
            StringBuilder s = new StringBuilder("\"");
            int parts = r.nextInt(4);
            for (int i = 0; i < parts; i++) {
                s.append(lone && chance(0.12) ? pick(LONE_SURROGATES) : pick(STRING_PIECES));
            }
            return s.append('"').toString();
        }

        // ---- emits ----

        private Emit emit() {
            String ns = chance(0.55) ? null : pick("/", "/", "/chat", "/test", "/chatroom", "/nope");
            String event = pick(ALL_EVENTS.toArray(String[]::new));
            int n = r.nextInt(4);
            List<String> args = new ArrayList<>();
            for (int i = 0; i < n; i++) args.add(value(2));
            return new Emit(ns, event, args);
        }

        // ---- helpers ----

        private boolean chance(double p) {
            return r.nextDouble() < p;
        }

        @SafeVarargs private <T> T pick(T... options) {
            return options[r.nextInt(options.length)];
        }
    }

    private static String quote(String s) {
        return dev.rpcws.protocol.Json.write(dev.rpcws.protocol.Json.mapper().getNodeFactory().textNode(s));
    }

    /** The method name a quoted JSON string stands for, or null when the member is not a string. */
    private static String decodedName(String methodJson) {
        if (!methodJson.startsWith("\"")) return null;
        try {
            return dev.rpcws.protocol.Json.parse(methodJson).textValue();
        } catch (dev.rpcws.protocol.Json.JsonSyntaxException e) {
            return null;
        }
    }
}
