package dev.rpcws.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The processing rules' invariants, for any session of frames on three connections (two in a namespace with a
 * login handler, one in a namespace without), against methods that return anything (including {@code true}),
 * throw, or answer later. Frames are single requests, batches, nested arrays, junk and broken JSON, with every
 * field of a request liable to have the wrong type, a falsy id or non-ASCII text.
 */
class ProcessorPropertiesTest {
    private static final JsonNodeFactory NODES = Json.mapper().getNodeFactory();
    private static final List<String> METHODS = List.of("m0", "m1", "toString");
    private static final Map<String, Boolean> EVENTS = Map.of("e0", false, "e1", false, "secret", true);
    private static final List<String> NAMESPACES = List.of("/", "/", "/other");

    // ---- the invariants ----

    /** Login changes only through an answered {@code rpc.login} (truthy id) whose handler returned exactly {@code true}. */
    @Property(tries = 300)
    void loginChangesOnlyThroughRpcLoginReturningTrue(@ForAll("apis") Api api, @ForAll("sessions") List<Step> session) {
        for (Observation o : observe(api, session)) {
            int expected = expectedLogIns(api, o);
            PeerState before = o.before().get(o.connection());
            PeerState after = o.after().get(o.connection());
            assertThat(after.logIns() - before.logIns()).as("logins by %s", o.frame()).isEqualTo(expected);
            assertThat(after.loggedIn()).as("logged in after %s", o.frame()).isEqualTo(before.loggedIn() || expected > 0);
            assertOthersUnchanged(o);
        }
    }

    /** Subscriptions change only through {@code rpc.on} (a string naming the event) and {@code rpc.off}, on the sender alone. */
    @Property(tries = 300)
    void subscriptionsChangeOnlyThroughRpcOnAndRpcOff(@ForAll("apis") Api api, @ForAll("sessions") List<Step> session) {
        for (Observation o : observe(api, session)) {
            Set<String> added = new HashSet<>(o.after().get(o.connection()).subscriptions());
            added.removeAll(o.before().get(o.connection()).subscriptions());
            Set<String> removed = new HashSet<>(o.before().get(o.connection()).subscriptions());
            removed.removeAll(o.after().get(o.connection()).subscriptions());
            Set<String> named = new HashSet<>();
            Set<String> unnamed = new HashSet<>();
            for (JsonNode m : elements(o.parsed())) {
                if (isCall(m, "rpc.on") && m.get("params").isArray()) {
                    m.get("params").forEach(e -> { if (e.isTextual()) named.add(e.textValue()); });
                }
                if (isCall(m, "rpc.off") && m.get("params").isArray()) m.get("params").forEach(e -> unnamed.add(Js.string(e)));
            }
            assertThat(named).as("subscribed by %s", o.frame()).containsAll(added);
            assertThat(unnamed).as("unsubscribed by %s", o.frame()).containsAll(removed);
            assertOthersUnchanged(o);
        }
    }

    /** Every request with a truthy id gets exactly one reply carrying its id; other frames get at most one, with id null. */
    @Property(tries = 300)
    void everyRequestWithATruthyIdGetsExactlyOneReply(@ForAll("apis") Api api, @ForAll("sessions") List<Step> session) {
        for (Observation o : observe(api, session)) {
            JsonNode frame = o.parsed();
            if (frame == null || !frame.isArray()) {
                JsonNode id = frame != null && frame.isObject() ? frame.get("id") : null;
                if (Js.truthy(id)) {
                    assertThat(o.reply()).as("reply to %s", o.frame()).isNotNull();
                    assertWellFormed(o.reply(), o);
                    assertThat(o.reply().get("id")).as("reply to %s", o.frame()).isEqualTo(id);
                } else if (o.reply() != null) {
                    assertWellFormed(o.reply(), o);
                    assertThat(o.reply().get("id").isNull()).as("reply to %s", o.frame()).isTrue();
                }
            }
        }
    }

    /** A batch answers at most one reply per element, in request order: the truthy ids come back exactly, in order. */
    @Property(tries = 300)
    void aBatchAnswersNoMoreThanItHadInRequestOrder(@ForAll("apis") Api api, @ForAll("sessions") List<Step> session) {
        for (Observation o : observe(api, session)) {
            JsonNode frame = o.parsed();
            if (frame == null || !frame.isArray()) continue;
            if (frame.isEmpty()) {
                assertThat(o.reply().isObject()).as("reply to an empty batch").isTrue();
                assertWellFormed(o.reply(), o);
                continue;
            }
            List<JsonNode> truthyIds = new ArrayList<>();
            int others = 0;
            for (JsonNode m : frame) {
                JsonNode id = m.isObject() ? m.get("id") : null;
                if (Js.truthy(id)) truthyIds.add(id);
                else others++;
            }
            if (o.reply() == null) {
                assertThat(truthyIds).as("requests with ids in %s", o.frame()).isEmpty();
                continue;
            }
            assertThat(o.reply().isArray()).as("reply to %s", o.frame()).isTrue();
            assertThat(o.reply().size()).as("replies to %s", o.frame()).isBetween(1, frame.size());
            List<JsonNode> repliedIds = new ArrayList<>();
            int nullIds = 0;
            for (JsonNode r : o.reply()) {
                assertWellFormed(r, o);
                if (r.get("id").isNull()) nullIds++;
                else repliedIds.add(r.get("id"));
            }
            assertThat(repliedIds).as("ids answered to %s", o.frame()).containsExactlyElementsOf(truthyIds);
            assertThat(nullIds).as("replies without id to %s", o.frame()).isLessThanOrEqualTo(others);
        }
    }

    /** A protected method runs, and a protected event is subscribed, only for a connection that has logged in. */
    @Property(tries = 300)
    void nothingProtectedIsReachedBeforeLogin(@ForAll("apis") Api api, @ForAll("sessions") List<Step> session) {
        Run run = run(api, session);
        assertThat(run.reachedBeforeLogin()).as("protected methods run before login").isEmpty();
        for (InMemoryServer.Connection c : run.peers()) {
            assertThat(c.protectedBeforeLogin).as("protected events subscribed before login").isEmpty();
        }
    }

    /**
     * A frame read as non-blocking runs no handler that may block: what a server answers on its I/O thread because
     * {@link RequestProcessor#read} said so never blocks that thread.
     */
    @Property(tries = 300)
    void aFrameReadAsNonBlockingRunsNoHandlerThatMayBlock(@ForAll("apis") Api api, @ForAll("sessions") List<Step> session) throws Exception {
        InMemoryServer server = new InMemoryServer();
        Set<String> mayBlockRan = ConcurrentHashMap.newKeySet();
        api.install(server, ConcurrentHashMap.newKeySet(), mayBlockRan);
        List<InMemoryServer.Connection> peers = new ArrayList<>();
        for (String ns : NAMESPACES) peers.add(server.connect(ns, null));
        RequestProcessor processor = new RequestProcessor();
        for (Step step : session) {
            InMemoryServer.Connection peer = peers.get(step.connection());
            Incoming read = processor.read(step.frame(), peer);
            mayBlockRan.clear();
            processor.process(read, peer).get(10, TimeUnit.SECONDS);
            if (!read.mayBlock()) assertThat(mayBlockRan).as("handlers that may block, run by %s", step).isEmpty();
        }
    }

    // ---- running a session ----

    record Step(int connection, String frame) {
        @Override public String toString() {
            return "#" + connection + " " + frame;
        }
    }

    record PeerState(boolean loggedIn, int logIns, Set<String> subscriptions) {}

    record Observation(int connection, String frame, JsonNode parsed, List<PeerState> before, List<PeerState> after,
                       JsonNode reply, boolean loginRegistered) {}

    record Run(List<Observation> observations, List<InMemoryServer.Connection> peers, Set<String> reachedBeforeLogin) {}

    private static List<Observation> observe(Api api, List<Step> session) {
        return run(api, session).observations();
    }

    private static Run run(Api api, List<Step> session) {
        InMemoryServer server = new InMemoryServer();
        Set<String> reachedBeforeLogin = ConcurrentHashMap.newKeySet();
        api.install(server, reachedBeforeLogin, ConcurrentHashMap.newKeySet());
        List<InMemoryServer.Connection> peers = new ArrayList<>();
        for (String ns : NAMESPACES) peers.add(server.connect(ns, null));
        List<Observation> observations = new ArrayList<>();
        for (Step step : session) {
            List<PeerState> before = states(peers);
            JsonNode reply;
            try {
                reply = peers.get(step.connection()).process(step.frame()).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("the processor failed on " + step, e);
            }
            observations.add(new Observation(step.connection(), step.frame(), parse(step.frame()), before, states(peers),
                    reply, !NAMESPACES.get(step.connection()).equals("/other") && api.login() != null));
        }
        return new Run(observations, peers, reachedBeforeLogin);
    }

    private static List<PeerState> states(List<InMemoryServer.Connection> peers) {
        List<PeerState> out = new ArrayList<>();
        for (InMemoryServer.Connection c : peers) out.add(new PeerState(c.loggedIn(), c.logIns(), c.subscriptions()));
        return out;
    }

    private static void assertOthersUnchanged(Observation o) {
        for (int i = 0; i < o.before().size(); i++) {
            if (i != o.connection()) assertThat(o.after().get(i)).as("connection %d after %s", i, o.frame()).isEqualTo(o.before().get(i));
        }
    }

    private static void assertWellFormed(JsonNode reply, Observation o) {
        assertThat(reply.isObject()).as("reply to %s: %s", o.frame(), reply).isTrue();
        assertThat(reply.get("jsonrpc")).as("reply to %s", o.frame()).isEqualTo(NODES.textNode("2.0"));
        assertThat(reply.has("result") != reply.has("error")).as("result or error in %s", reply).isTrue();
        assertThat(reply.has("id")).as("id in %s", reply).isTrue();
    }

    // ---- the oracle: when a login must happen ----

    /** The elements the processor runs as requests: a batch's elements (within the limit), or the frame itself. */
    private static List<JsonNode> elements(JsonNode frame) {
        List<JsonNode> out = new ArrayList<>();
        if (frame == null) return out;
        if (!frame.isArray()) out.add(frame);
        else if (frame.size() <= RequestProcessor.DEFAULT_MAX_BATCH) frame.forEach(out::add);
        return out;
    }

    /** A well-formed request for {@code method} that reaches its rule: version "2.0", params truthy and not a string. */
    private static boolean isCall(JsonNode m, String method) {
        if (!m.isObject()) return false;
        JsonNode version = m.get("jsonrpc");
        JsonNode name = m.get("method");
        JsonNode params = m.get("params");
        return version != null && version.isTextual() && version.textValue().equals("2.0")
                && name != null && name.isTextual() && name.textValue().equals(method)
                && Js.truthy(params) && !params.isTextual();
    }

    private static int expectedLogIns(Api api, Observation o) {
        boolean in = o.before().get(o.connection()).loggedIn();
        int logIns = 0;
        for (JsonNode m : elements(o.parsed())) {
            if (!o.loginRegistered() || !isCall(m, "rpc.login") || !Js.truthy(m.get("id"))) continue;
            if (api.login().isProtected() && !in) continue;
            if (api.login().behaviour().returnsTrue(m.get("params"))) {
                logIns++;
                in = true;
            }
        }
        return logIns;
    }

    private static JsonNode parse(String frame) {
        try {
            return Json.parse(frame);
        } catch (Json.JsonSyntaxException e) {
            return null;
        }
    }

    // ---- the generated API ----

    /** What a method does with its params. */
    sealed interface Behaviour {
        Object run(JsonNode params);

        /** Whether the reply's result is exactly {@code true}. */
        boolean returnsTrue(JsonNode params);
    }

    record Returns(Object value) implements Behaviour {
        @Override public Object run(JsonNode params) { return value; }
        @Override public boolean returnsTrue(JsonNode params) { return Boolean.TRUE.equals(value) || BooleanNode.TRUE.equals(value); }
    }

    record Echo() implements Behaviour {
        @Override public Object run(JsonNode params) { return params; }
        @Override public boolean returnsTrue(JsonNode params) { return params != null && params.isBoolean() && params.booleanValue(); }
    }

    record Throws(RuntimeException failure) implements Behaviour {
        @Override public Object run(JsonNode params) { throw failure; }
        @Override public boolean returnsTrue(JsonNode params) { return false; }
    }

    /** Answers later, from another thread. */
    record Later(Behaviour now) implements Behaviour {
        @Override public Object run(JsonNode params) { return CompletableFuture.supplyAsync(() -> now.run(params)); }
        @Override public boolean returnsTrue(JsonNode params) { return now.returnsTrue(params); }
    }

    record Method(Behaviour behaviour, boolean isProtected, boolean nonBlocking) {}

    /** Methods of {@code /} and {@code /other} (the same, without a login handler there); {@code login} may be absent. */
    record Api(Map<String, Method> methods, Method login) {
        void install(InMemoryServer server, Set<String> reachedBeforeLogin, Set<String> mayBlockRan) {
            for (String ns : Set.copyOf(NAMESPACES)) {
                Map<String, Method> all = new LinkedHashMap<>(methods);
                if (ns.equals("/") && login != null) all.put("rpc.login", login);
                all.forEach((name, m) -> {
                    server.method(ns, name, (params, ctx) -> {
                        if (m.isProtected() && !ctx.loggedIn()) reachedBeforeLogin.add(name);
                        if (!m.nonBlocking()) mayBlockRan.add(name);
                        return m.behaviour().run(params);
                    }, m.isProtected());
                    if (m.nonBlocking()) server.of(ns).methods.get(name).nonBlocking();
                });
                EVENTS.forEach((event, isProtected) -> server.event(ns, event, isProtected));
            }
        }
    }

    @Provide Arbitrary<Api> apis() {
        Arbitrary<Method> method = Combinators.combine(behaviours(), Arbitraries.of(false, false, true), Arbitraries.of(false, true)).as(Method::new);
        Arbitrary<Map<String, Method>> methods = Arbitraries.maps(Arbitraries.of(METHODS), method).ofMaxSize(METHODS.size());
        Arbitrary<Method> login = Arbitraries.frequencyOf(
                Tuple.of(8, Combinators.combine(behaviours(), Arbitraries.of(false, false, false, true), Arbitraries.of(false, true)).as(Method::new)),
                Tuple.of(1, Arbitraries.just(null)));
        return Combinators.combine(methods, login).as(Api::new);
    }

    private static Arbitrary<Behaviour> behaviours() {
        Arbitrary<Behaviour> now = Arbitraries.oneOf(
                Arbitraries.of(true, Boolean.TRUE, BooleanNode.TRUE, false, "true", 1, NODES.textNode("true")).map(Returns::new),
                values(2).map(Returns::new),
                Arbitraries.just(new Echo()),
                Arbitraries.of(new RpcException(-32050, "Server error", "details"), new RpcException(NODES.textNode("bare")),
                        new IllegalStateException("internal"), new NullPointerException()).map(Throws::new));
        return Arbitraries.frequencyOf(Tuple.of(4, now), Tuple.of(1, now.map(Later::new)));
    }

    // ---- the generated frames ----

    @Provide Arbitrary<List<Step>> sessions() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.of(0, 0, 1, 2), frames()).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(12);
    }

    private static Arbitrary<String> frames() {
        Arbitrary<JsonNode> batch = Arbitraries.oneOf(requests(), requests(), values(2), requests().list().ofMaxSize(2).map(ProcessorPropertiesTest::array))
                .list().ofMaxSize(6).map(ProcessorPropertiesTest::array);
        return Arbitraries.frequencyOf(
                Tuple.of(10, requests().map(Json::write)),
                Tuple.of(4, batch.map(Json::write)),
                Tuple.of(1, values(3).map(Json::write)),
                Tuple.of(1, Arbitraries.of("", " ", "{", "[1,", "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.login\"", "nul", "[]]", "\"\\ud800\"")));
    }

    /** Request objects whose every member may be missing, of the wrong type or odd. */
    private static Arbitrary<JsonNode> requests() {
        Arbitrary<JsonNode> version = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.just(NODES.textNode("2.0"))), Tuple.of(1, values(1)), Tuple.of(1, Arbitraries.just(null)));
        Arbitrary<JsonNode> method = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.of("m0", "m1", "toString", "rpc.login", "rpc.on", "rpc.off", "__listMethods", "nope", "RPC.LOGIN", "rpc.login ").map(NODES::textNode)),
                Tuple.of(1, values(1)), Tuple.of(1, Arbitraries.just(null)));
        Arbitrary<JsonNode> eventNames = Arbitraries.oneOf(
                Arbitraries.of("e0", "e1", "secret", "nope", "constructor", "__proto__", "toString", "").map(n -> (JsonNode) NODES.textNode(n)),
                Arbitraries.of("e0", "secret").map(n -> array(List.of(NODES.textNode(n)))),
                values(1));
        Arbitrary<JsonNode> params = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(null)),
                Tuple.of(3, eventNames.list().ofMaxSize(4).map(ProcessorPropertiesTest::array)),
                Tuple.of(2, Arbitraries.of(BooleanNode.TRUE, BooleanNode.FALSE)),
                Tuple.of(3, values(2)));
        Arbitrary<JsonNode> id = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.of(1, 2, 7, -1).map(i -> (JsonNode) NODES.numberNode(i))),
                Tuple.of(2, Arbitraries.of("a", "0", "é😀", "\ud800").map(NODES::textNode)),
                Tuple.of(3, Arbitraries.of(NODES.numberNode(0), NODES.numberNode(-0.0), NODES.textNode(""), NODES.nullNode(), BooleanNode.FALSE)),
                Tuple.of(3, Arbitraries.just(null)),
                Tuple.of(2, values(2)));
        return Combinators.combine(version, method, params, id, values(1).injectNull(0.8)).as((v, m, p, i, extra) -> {
            ObjectNode r = Json.object();
            if (v != null) r.set("jsonrpc", v);
            if (m != null) r.set("method", m);
            if (p != null) r.set("params", p);
            if (i != null) r.set("id", i);
            if (extra != null) r.set("x", extra);
            return r;
        });
    }

    /** Any JSON value, nested up to {@code depth}: falsy and truthy scalars, non-ASCII and astral text, arrays, objects. */
    private static Arbitrary<JsonNode> values(int depth) {
        Arbitrary<JsonNode> scalar = Arbitraries.oneOf(
                Arbitraries.of(NODES.nullNode(), BooleanNode.TRUE, BooleanNode.FALSE),
                Arbitraries.of(0, 1, -1, 2, 1.5, -0.0, 1e21, 1e-7, 9007199254740993L).map(n -> (JsonNode) Json.toNode(n)),
                Arbitraries.of("", "0", "true", "2.0", "rpc.login", "e0", "é", "😀", "\u0000", "\u2028", "\ud800").map(NODES::textNode),
                Arbitraries.strings().ofMaxLength(4).map(NODES::textNode));
        if (depth == 0) return scalar;
        Arbitrary<JsonNode> arrays = values(depth - 1).list().ofMaxSize(3).map(ProcessorPropertiesTest::array);
        Arbitrary<JsonNode> objects = Arbitraries.maps(Arbitraries.of("a", "id", "method", "__proto__", "0"), values(depth - 1)).ofMaxSize(2)
                .map(m -> {
                    ObjectNode o = Json.object();
                    m.forEach(o::set);
                    return o;
                });
        return Arbitraries.frequencyOf(Tuple.of(4, scalar), Tuple.of(1, arrays), Tuple.of(1, objects));
    }

    private static JsonNode array(List<JsonNode> elements) {
        ArrayNode a = Json.array();
        elements.forEach(a::add);
        return a;
    }
}
