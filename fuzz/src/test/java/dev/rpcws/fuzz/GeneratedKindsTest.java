package dev.rpcws.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.fuzz.Session.Batch;
import dev.rpcws.fuzz.Session.Binary;
import dev.rpcws.fuzz.Session.Close;
import dev.rpcws.fuzz.Session.Emit;
import dev.rpcws.fuzz.Session.Send;
import dev.rpcws.fuzz.Session.Step;
import dev.rpcws.protocol.Js;
import dev.rpcws.protocol.Wire;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cases CI compares (the fixed seed's, less what a deviation keeps apart) hold every kind of frame and
 * session the fuzzer promises: a generator change that stops writing one turns this red.
 */
class GeneratedKindsTest {
    private static final List<String> PROTECTED_METHODS = List.of("cryptic", "sqrt_protected");
    private static final String PROTECTED_EVENT = "secretNews";
    private static final Pattern ESCAPE = Pattern.compile("\\\\[\"\\\\/bfnrt]|\\\\u[0-9a-fA-F]{4}");
    private static final Pattern LONE_SURROGATE = Pattern.compile("\\\\u[dD][89a-fA-F][0-9a-fA-F]{2}");

    @Test void theFixedSeedComparesEveryKind() {
        SessionGenerator generator = new SessionGenerator(DifferentialFuzzTest.FIXED_SEED, SessionGenerator.DEFAULT_MAX_STEPS);
        Map<String, Integer> seen = new TreeMap<>();
        for (long k = 0; k < DifferentialFuzzTest.CASES; k++) {
            Session s = generator.session(k);
            if (Deviation.D10.keepsApart(s)) continue;
            classify(s, seen);
        }
        System.out.println("kinds in the fixed seed's compared cases: " + seen);
        assertThat(seen.keySet()).as("kinds never compared").containsAll(List.of(
                "request", "notification", "batch: mixed", "batch: nested", "batch: junk element", "batch: empty", "batch: one element",
                "invalid JSON", "JSON that is no request",
                "jsonrpc: wrong type", "method: wrong type", "params: wrong type", "id: wrong type", "id: falsy", "member missing",
                "rpc.on", "rpc.on in a batch", "rpc.off", "rpc.off in a batch", "rpc.login", "rpc.login in a batch",
                "protected method before login", "protected method after login",
                "protected event before login", "protected event after login",
                "binary", "binary: malformed UTF-8", "escape", "escaped lone surrogate", "non-ASCII", "astral character",
                "emit: global", "emit: namespace", "close",
                "connections: several", "namespaces: several", "socket_id"));
    }

    private static void classify(Session s, Map<String, Integer> seen) {
        Set<String> namespaces = new HashSet<>();
        for (String target : s.connections()) {
            int q = target.indexOf('?');
            String path = q < 0 ? target : target.substring(0, q);
            if (SessionGenerator.METHODS.containsKey(path)) namespaces.add(path);
            if (target.contains("socket_id=")) count(seen, "socket_id");
        }
        if (s.connections().size() > 1) count(seen, "connections: several");
        if (namespaces.size() > 1) count(seen, "namespaces: several");
        Set<Integer> loggedIn = new HashSet<>();
        for (Step step : s.steps()) {
            if (step instanceof Emit e) count(seen, e.namespace() == null ? "emit: global" : "emit: namespace");
            if (step instanceof Close) count(seen, "close");
            if (!(step instanceof Send send) || Deviation.keepingApart(send) != null) continue;
            String text = send.frame().text();
            if (send.frame() instanceof Binary b) {
                count(seen, validUtf8(b.payload()) ? "binary" : "binary: malformed UTF-8");
            } else { // text frames: a binary one's text may hold the decoder's replacement characters
                if (text.chars().anyMatch(c -> c > 0x7f)) count(seen, "non-ASCII");
                if (text.codePoints().anyMatch(Character::isSupplementaryCodePoint)) count(seen, "astral character");
            }
            if (ESCAPE.matcher(text).find()) count(seen, "escape");
            if (LONE_SURROGATE.matcher(text).find()) count(seen, "escaped lone surrogate");
            JsonNode frame = Deviation.parse(text);
            if (frame == null) {
                count(seen, "invalid JSON");
                continue;
            }
            boolean batch = frame.isArray();
            if (batch) classifyBatch(frame, seen);
            boolean logsIn = false;
            for (JsonNode m : batch ? frame : List.of(frame)) {
                if (!m.isObject() || !m.has("method")) {
                    if (!batch) count(seen, "JSON that is no request");
                    continue;
                }
                classifyMembers(m, seen);
                if (!Deviation.isCall(m)) continue;
                String method = m.get("method").textValue();
                count(seen, Js.truthy(m.get("id")) ? "request" : "notification");
                if (List.of(Wire.SUBSCRIBE, Wire.UNSUBSCRIBE, Wire.LOGIN).contains(method)) count(seen, method + (batch ? " in a batch" : ""));
                String when = loggedIn.contains(send.conn()) ? " after login" : " before login";
                if (PROTECTED_METHODS.contains(method)) count(seen, "protected method" + when);
                if (method.equals(Wire.SUBSCRIBE) && Deviation.names(m).contains(PROTECTED_EVENT)) count(seen, "protected event" + when);
                JsonNode p = m.get("params");
                if (method.equals(Wire.LOGIN) && p != null && "foo".equals(p.path("username").textValue()) && "bar".equals(p.path("password").textValue())) {
                    logsIn = true;
                }
            }
            if (logsIn) loggedIn.add(send.conn());
        }
    }

    private static void classifyBatch(JsonNode batch, Map<String, Integer> seen) {
        if (batch.isEmpty()) count(seen, "batch: empty");
        if (batch.size() == 1) count(seen, "batch: one element");
        boolean call = false, other = false;
        for (JsonNode e : batch) {
            if (e.isArray() && e.findParent("method") != null) count(seen, "batch: nested"); // a batch in a batch, not any array
            if (!e.isObject()) count(seen, "batch: junk element");
            if (Deviation.isCall(e) && Js.truthy(e.get("id"))) call = true;
            else other = true;
        }
        if (call && other) count(seen, "batch: mixed");
    }

    private static void classifyMembers(JsonNode m, Map<String, Integer> seen) {
        JsonNode jsonrpc = m.get("jsonrpc"), method = m.get("method"), params = m.get("params"), id = m.get("id");
        if (jsonrpc == null || id == null) count(seen, "member missing");
        if (jsonrpc != null && !jsonrpc.isTextual()) count(seen, "jsonrpc: wrong type");
        if (!method.isTextual()) count(seen, "method: wrong type");
        if (params != null && !params.isContainerNode()) count(seen, "params: wrong type");
        if (id != null && (id.isContainerNode() || id.isBoolean())) count(seen, "id: wrong type");
        if (id != null && !Js.truthy(id)) count(seen, "id: falsy");
    }

    private static boolean validUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static void count(Map<String, Integer> seen, String kind) {
        seen.merge(kind, 1, Integer::sum);
    }
}
