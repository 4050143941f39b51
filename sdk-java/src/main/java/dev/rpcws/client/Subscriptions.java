package dev.rpcws.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.Json;
import dev.rpcws.protocol.Wire;
import dev.rpcws.protocol.client.Inbound;
import dev.rpcws.protocol.client.SubscriptionStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static dev.rpcws.client.RpcClientException.Kind.MALFORMED_REPLY;
import static dev.rpcws.client.RpcClientException.Kind.SUBSCRIPTION_FAILED;

/**
 * Event listeners and the server-side subscriptions behind them (docs/client-behaviour.md, "Subscriptions and
 * login"): the first listener of an event sends {@code rpc.on}, the last one gone {@code rpc.off}, and the
 * {@code rpc.on}/{@code rpc.off} of one event reach the server in the order they were asked for. Delivers
 * events to listeners on the callback lane.
 */
final class Subscriptions {
    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

    private final Lifecycle lifecycle;
    private final Calls calls;
    private final Callbacks callbacks;
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final Object lock = new Object();

    Subscriptions(Lifecycle lifecycle, Calls calls, Callbacks callbacks) {
        this.lifecycle = lifecycle;
        this.calls = calls;
        this.callbacks = callbacks;
    }

    // ---- the application's side ----

    /** See {@link RpcClient#subscribe}. */
    CompletableFuture<Subscription> subscribe(String event, EventListener listener) {
        Subscription sub = new Subscription(this, event, Objects.requireNonNull(listener), true);
        CompletableFuture<Void> onServer;
        synchronized (lock) {
            Topic topic = topics.computeIfAbsent(event, e -> new Topic());
            topic.listeners.add(sub); // before rpc.on goes out, so no event after the subscription is missed
            if (topic.subscribed == null) topic.subscribed = topic.then(() -> rpcOn(event, null));
            onServer = topic.subscribed;
        }
        return onServer.handle((ok, failure) -> {
            if (failure == null) return sub;
            discard(sub, onServer);
            throw new CompletionException(Callbacks.unwrap(failure));
        });
    }

    /** See {@link RpcClient#on}. */
    Subscription on(String event, EventListener listener) {
        Subscription sub = new Subscription(this, event, Objects.requireNonNull(listener), false);
        synchronized (lock) {
            topics.computeIfAbsent(event, e -> new Topic()).listeners.add(sub);
        }
        return sub;
    }

    /** See {@link RpcClient#unsubscribe}. */
    CompletableFuture<Void> unsubscribe(String event) {
        synchronized (lock) {
            Topic topic = topics.get(event);
            if (topic == null) return CompletableFuture.completedFuture(null);
            topic.listeners.clear();
            return release(event, topic);
        }
    }

    /** Called by {@link Subscription#unsubscribe()}. */
    CompletableFuture<Void> remove(Subscription sub) {
        synchronized (lock) {
            Topic topic = topics.get(sub.event());
            if (topic == null || !topic.listeners.remove(sub)) return CompletableFuture.completedFuture(null);
            return sub.serverSide() && !topic.hasServerSide() ? release(sub.event(), topic) : CompletableFuture.completedFuture(null);
        }
    }

    /** The topic has no subscribed listener left: tell the server, if it had been told and is still there. */
    private CompletableFuture<Void> release(String event, Topic topic) {
        if (topic.subscribed == null) return CompletableFuture.completedFuture(null);
        topic.subscribed = null;
        return lifecycle.state() == ClientState.CONNECTED ? topic.then(() -> rpcOff(event)) : CompletableFuture.completedFuture(null);
    }

    /** A subscribe that failed takes its listener back. */
    private void discard(Subscription sub, CompletableFuture<Void> failedSubscription) {
        synchronized (lock) {
            Topic topic = topics.get(sub.event());
            if (topic == null) return;
            topic.listeners.remove(sub);
            if (topic.subscribed == failedSubscription) topic.subscribed = null;
        }
    }

    // ---- the connection's side ----

    boolean hasListeners(String event) {
        Topic topic = topics.get(event);
        return topic != null && !topic.listeners.isEmpty();
    }

    /** Whether any event has a listener from {@code subscribe}: the server has (or had) subscriptions. */
    boolean hasServerSide() {
        return topics.values().stream().anyMatch(Topic::hasServerSide);
    }

    /** A fresh connection: the server knows none of the subscriptions the last one made. */
    void forgetServerSide() {
        synchronized (lock) {
            for (Topic topic : topics.values()) topic.subscribed = null;
        }
    }

    /** Hands an event to its listeners on the callback lane, in arrival order. */
    void deliver(Inbound.Event<?> event) {
        callbacks.onLane(() -> {
            Topic topic = topics.get(event.name());
            if (topic == null) return;
            RpcEvent e = new RpcEvent(event.name(), event.args());
            for (Subscription sub : topic.listeners) {
                try {
                    sub.listener().onEvent(e);
                } catch (RuntimeException ex) {
                    LOG.warn("a listener of {} threw", event.name(), ex);
                }
            }
        });
    }

    /**
     * Subscribes every subscribed event again on {@code via}, each with its own {@code rpc.on} so one refused
     * event does not lose the others; {@code failed} hears each refusal. Completes when all were answered.
     */
    CompletableFuture<Void> restore(WebSocketLink via, BiConsumer<String, Throwable> failed) {
        List<CompletableFuture<Void>> steps = new ArrayList<>();
        synchronized (lock) {
            if (!lifecycle.isCurrent(via)) return CompletableFuture.completedFuture(null);
            topics.forEach((event, topic) -> {
                if (!topic.hasServerSide()) return;
                CompletableFuture<Void> on = topic.restart(() -> rpcOn(event, via));
                topic.subscribed = on;
                steps.add(on.exceptionally(failure -> {
                    synchronized (lock) {
                        if (topic.subscribed == on) topic.subscribed = null; // a later subscribe() tries again
                    }
                    failed.accept(event, failure);
                    return null;
                }));
            });
        }
        return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new));
    }

    // ---- rpc.on / rpc.off ----

    private CompletableFuture<Void> rpcOn(String event, WebSocketLink via) {
        return statusCall(Wire.SUBSCRIBE, event, via, SubscriptionStatus::subscribed);
    }

    private CompletableFuture<Void> rpcOff(String event) {
        return statusCall(Wire.UNSUBSCRIBE, event, null, SubscriptionStatus::unsubscribed);
    }

    /** {@code rpc.on}/{@code rpc.off} for one event ({@code via} null: through the connection state). */
    private CompletableFuture<Void> statusCall(String method, String event, WebSocketLink via, Predicate<String> accepted) {
        JsonNode params = Json.array().add(event);
        CompletableFuture<JsonNode> reply = via == null ? calls.call(method, params, null) : calls.callOn(via, method, params);
        return reply.thenApply(result -> {
            String status = SubscriptionStatus.of(result, event);
            if (status == null) {
                throw new RpcClientException(MALFORMED_REPLY, method, method + " answered without a status for '" + event + "': " + result, result, null);
            }
            if (!accepted.test(status)) {
                throw new RpcClientException(SUBSCRIPTION_FAILED, method, method + " '" + event + "' failed: " + status, result, null);
            }
            return null;
        });
    }

    /**
     * The listeners of one event and its server-side subscription state. Topics stay in the map once created
     * (one per event name used): a new one would lose the order of an rpc.off still in flight.
     */
    private static final class Topic {
        final List<Subscription> listeners = new CopyOnWriteArrayList<>();
        /** rpc.on in flight or done on the current connection; null when the server has no subscription. Guarded by lock. */
        CompletableFuture<Void> subscribed;
        /** The last rpc.on/rpc.off of this event: the next one waits for it, so the server sees them in order. */
        private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

        boolean hasServerSide() {
            for (Subscription s : listeners) if (s.serverSide()) return true;
            return false;
        }

        /**
         * Runs {@code op} after the previous rpc.on/rpc.off of this event, whatever its outcome. Called under
         * lock; {@code op} itself always runs on a pool thread, never under the lock.
         */
        CompletableFuture<Void> then(Supplier<CompletableFuture<Void>> op) {
            CompletableFuture<Void> next = tail.handle((v, e) -> null).thenComposeAsync(x -> op.get(), ClientThreads.CALLBACKS);
            tail = next;
            return next;
        }

        /**
         * On a fresh connection: runs {@code op} at once, not behind operations still waiting for that
         * connection (they would wait for the restore, and the restore for them).
         */
        CompletableFuture<Void> restart(Supplier<CompletableFuture<Void>> op) {
            tail = CompletableFuture.completedFuture(null);
            return then(op);
        }
    }
}
