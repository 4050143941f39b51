package dev.rpcws.protocol.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * What one frame from the server means to a client (protocol reference 5.4), as {@link InboundClassifier}
 * decides it. The client acts on it: delivers the event, completes or fails the call, or logs the drop.
 *
 * @param <C> the client's record of a pending call (see {@link PendingCalls})
 */
public sealed interface Inbound<C> {
    /** Deliver to the listeners of {@code name} with these arguments. */
    record Event<C>(String name, List<JsonNode> args) implements Inbound<C> {
        /**
         * @param name the event's name
         * @param args the listeners' arguments (copied)
         */
        public Event {
            args = List.copyOf(args);
        }
    }

    /** {@code call} succeeded with {@code result} (never Java null: JSON null is {@code NullNode}). */
    record Result<C>(C call, JsonNode result) implements Inbound<C> {}

    /** {@code call} failed: the server answered with an error (any {@code error} member, even a falsy one). */
    record ErrorReply<C>(C call, CallError error) implements Inbound<C> {}

    /**
     * {@code call} got a reply with both {@code result} and {@code error}, or neither: the reference rejects it
     * with {@link InboundClassifier#MALFORMED}; {@code frame} is the reply.
     */
    record Malformed<C>(C call, JsonNode frame) implements Inbound<C> {}

    /** Nothing to do; {@code why} is for the debug log. */
    record Dropped<C>(String why) implements Inbound<C> {}
}
