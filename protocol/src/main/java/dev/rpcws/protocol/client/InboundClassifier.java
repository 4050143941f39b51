package dev.rpcws.protocol.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.EventParams;
import dev.rpcws.protocol.Js;
import dev.rpcws.protocol.Json;

import java.util.List;
import java.util.function.Predicate;

/**
 * Decides what each frame from the server means, exactly as the reference client does (protocol reference
 * 5.4, docs/client-behaviour.md "Inbound dispatch"). A frame that settles a call removes it from the
 * {@link PendingCalls}; nothing else changes. No I/O and no threads: the caller acts on the returned
 * {@link Inbound}.
 *
 * @param <C> the client's record of a pending call
 */
public final class InboundClassifier<C> {
    /** The reference's words, so that logs read the same whichever client saw the frame. */
    public static final String MALFORMED = "Server response malformed. Response must include either \"result\" or \"error\", but not both.";

    private final PendingCalls<C> pending;
    private final Predicate<String> hasListeners;

    /**
     * A classifier settling the calls of one client.
     *
     * @param pending the client's pending calls; a reply removes its call
     * @param hasListeners tells whether the application listens to an event name at this moment
     */
    public InboundClassifier(PendingCalls<C> pending, Predicate<String> hasListeners) {
        this.pending = pending;
        this.hasListeners = hasListeners;
    }

    /**
     * Decides what one text frame means.
     *
     * @param text the frame as received
     * @return what to do with it
     */
    public Inbound<C> classify(String text) {
        JsonNode frame;
        try {
            frame = Json.parse(text);
        } catch (Json.JsonSyntaxException e) {
            return new Inbound.Dropped<>("not JSON: " + e.getMessage());
        }
        if (frame.isArray()) return new Inbound.Dropped<>("a batch reply, and a client never sends batches");
        if (!frame.isObject()) return new Inbound.Dropped<>("not a JSON object");

        // 2. A notification goes to its listeners; one nobody listens to falls through, as in the reference.
        JsonNode notification = frame.get("notification");
        if (Js.truthy(notification)) {
            String name = Js.string(notification);
            if (hasListeners.test(name)) return new Inbound.Event<>(name, EventParams.toListenerArgs(frame.get("params")));
        }

        // 3. A reply settles the call whose id it carries.
        C call = pending.match(frame.get("id"));
        if (call == null) {
            // 4. A standard JSON-RPC notification (Solana-style servers): params as the one argument.
            JsonNode method = frame.get("method");
            if (Js.truthy(method)) {
                String name = Js.string(method);
                if (!hasListeners.test(name)) return new Inbound.Dropped<>("no listener for " + name);
                JsonNode params = frame.get("params");
                return new Inbound.Event<>(name, params == null ? List.of() : List.of(params));
            }
            String key = Js.idKey(frame.get("id"));
            return new Inbound.Dropped<>(key == null ? "no id, no event" : "no pending call with id " + key);
        }

        boolean hasResult = frame.has("result");
        boolean hasError = frame.has("error");
        if (hasResult == hasError) return new Inbound.Malformed<>(call, frame);
        // Any error member fails the call, even a falsy one (the reference would resolve with undefined: C9).
        if (hasError) return new Inbound.ErrorReply<>(call, new CallError(frame.get("error")));
        return new Inbound.Result<>(call, frame.get("result"));
    }
}
