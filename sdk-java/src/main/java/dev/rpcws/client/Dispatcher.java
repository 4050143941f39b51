package dev.rpcws.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.EventParams;
import dev.rpcws.protocol.Js;
import dev.rpcws.protocol.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Decides what one inbound frame means, exactly as the reference client does (protocol reference 5.4), and
 * keeps the table of calls awaiting replies. No I/O and no threads: {@link #receive} returns the outcome and
 * the caller acts on it.
 */
final class Dispatcher {
    /** The reference's words, so that logs read the same whichever client saw the frame. */
    static final String MALFORMED = "Server response malformed. Response must include either \"result\" or \"error\", but not both.";

    /** A call awaiting its reply; {@code reply} is internal and completed by whoever acts on the outcome. */
    record PendingCall(long id, String method, CompletableFuture<JsonNode> reply) {}

    /** What a frame meant. */
    sealed interface Inbound permits Event, Settled, Failed, Dropped {}

    /** Deliver to the listeners of {@code name}. */
    record Event(String name, List<JsonNode> args) implements Inbound {}

    /** {@code call} succeeded with {@code result} (never Java null: JSON null is {@code NullNode}). */
    record Settled(PendingCall call, JsonNode result) implements Inbound {}

    /** {@code call} failed: an error reply ({@link RpcCallException}) or a malformed one. */
    record Failed(PendingCall call, RuntimeException error) implements Inbound {}

    /** Nothing to do; {@code why} is for the debug log. */
    record Dropped(String why) implements Inbound {}

    private final Map<String, PendingCall> pending = new ConcurrentHashMap<>();
    private final Predicate<String> hasListeners;

    Dispatcher(Predicate<String> hasListeners) {
        this.hasListeners = hasListeners;
    }

    void track(PendingCall call) {
        pending.put(Long.toString(call.id()), call);
    }

    /** Stops waiting for a reply to {@code id} (timeout, cancellation); the pending call, or null if already settled. */
    PendingCall forget(long id) {
        return pending.remove(Long.toString(id));
    }

    /** Stops waiting for every reply (the connection is gone) and returns the calls that were pending. */
    List<PendingCall> forgetAll() {
        List<PendingCall> calls = new ArrayList<>();
        for (String key : List.copyOf(pending.keySet())) {
            PendingCall call = pending.remove(key);
            if (call != null) calls.add(call);
        }
        return calls;
    }

    int pendingCount() {
        return pending.size();
    }

    Inbound receive(String text) {
        JsonNode frame;
        try {
            frame = Json.parse(text);
        } catch (Json.JsonSyntaxException e) {
            return new Dropped("not JSON: " + e.getMessage());
        }
        if (frame.isArray()) return new Dropped("a batch reply, and this client never sends batches");
        if (!frame.isObject()) return new Dropped("not a JSON object");

        // 2. A notification goes to its listeners; one nobody listens to falls through, as in the reference.
        JsonNode notification = frame.get("notification");
        if (Js.truthy(notification)) {
            String name = Js.string(notification);
            if (hasListeners.test(name)) return new Event(name, EventParams.toListenerArgs(frame.get("params")));
        }

        // 3. A reply settles the call whose id it carries; ids compare as JS object keys (1 matches "1").
        String key = Js.idKey(frame.get("id"));
        PendingCall call = key == null ? null : pending.remove(key);
        if (call == null) {
            // 4. A standard JSON-RPC notification (Solana-style servers): params as the one argument.
            JsonNode method = frame.get("method");
            if (Js.truthy(method)) {
                String name = Js.string(method);
                if (!hasListeners.test(name)) return new Dropped("no listener for " + name);
                JsonNode params = frame.get("params");
                return new Event(name, params == null ? List.of() : List.of(params));
            }
            return new Dropped(key == null ? "no id, no event" : "no pending call with id " + key);
        }

        boolean hasResult = frame.has("result");
        boolean hasError = frame.has("error");
        if (hasResult == hasError) {
            return new Failed(call, new RpcClientException(RpcClientException.Kind.MALFORMED_REPLY, call.method(),
                    call.method() + ": " + MALFORMED, frame, null));
        }
        // Any error member fails the call, even a falsy one (the reference would resolve with undefined).
        if (hasError) return new Failed(call, new RpcCallException(call.method(), frame.get("error")));
        return new Settled(call, frame.get("result"));
    }
}
