package dev.rpcws.protocol.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.Wire;

import java.util.Set;

/**
 * How a client reads the answer to {@code rpc.on}/{@code rpc.off} for one event: the server answers with an
 * object of one status per event, and that status alone decides (docs/client-behaviour.md, "Subscriptions";
 * the reference client resolves even on {@code provided event invalid}: deviation C4).
 */
public final class SubscriptionStatus {
    private static final Set<String> SUBSCRIBED = Set.of(Wire.STATUS_OK, Wire.STATUS_ALREADY_SUBSCRIBED);
    private static final Set<String> UNSUBSCRIBED = Set.of(Wire.STATUS_OK, Wire.STATUS_NOT_SUBSCRIBED);

    private SubscriptionStatus() {}

    /**
     * Reads one event's status.
     *
     * @param result the result of {@code rpc.on} or {@code rpc.off}
     * @param event the event's name
     * @return the status it gives the event, or {@code null} when it has none (a malformed answer)
     */
    public static String of(JsonNode result, String event) {
        JsonNode status = result != null && result.isObject() ? result.get(event) : null;
        return status != null && status.isTextual() ? status.textValue() : null;
    }

    /**
     * @param status from {@link #of}
     * @return whether {@code rpc.on} succeeded with it
     */
    public static boolean subscribed(String status) {
        return status != null && SUBSCRIBED.contains(status);
    }

    /**
     * @param status from {@link #of}
     * @return whether {@code rpc.off} succeeded with it
     */
    public static boolean unsubscribed(String status) {
        return status != null && UNSUBSCRIBED.contains(status);
    }
}
