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

    /** The status {@code result} gives {@code event}, or {@code null} when it has none (a malformed answer). */
    public static String of(JsonNode result, String event) {
        JsonNode status = result != null && result.isObject() ? result.get(event) : null;
        return status != null && status.isTextual() ? status.textValue() : null;
    }

    /** Whether {@code rpc.on} succeeded with this status. */
    public static boolean subscribed(String status) {
        return status != null && SUBSCRIBED.contains(status);
    }

    /** Whether {@code rpc.off} succeeded with this status. */
    public static boolean unsubscribed(String status) {
        return status != null && UNSUBSCRIBED.contains(status);
    }
}
