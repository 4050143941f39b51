package dev.rpcws.client;

import dev.rpcws.protocol.Wire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static dev.rpcws.client.RpcClientException.Kind.CONNECTION_LOST;
import static dev.rpcws.client.RpcClientException.Kind.CONNECT_FAILED;
import static dev.rpcws.client.RpcClientException.Kind.NOT_CONNECTED;

/**
 * The connection's life (docs/client-behaviour.md, "States" and "Reconnect and restore"): the state machine,
 * connecting, reconnecting after a drop under the {@link ReconnectPolicy}, the restore on a fresh connection
 * (done by the {@link Hooks}), and closing. It owns the current {@link WebSocketLink}; reports from any
 * other link are stale and ignored. Never calls out while holding its lock.
 */
final class Lifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    /** What the rest of the client does with a connection's traffic and turning points. */
    interface Hooks {
        /** A frame arrived on {@code link}. */
        void received(WebSocketLink link, String text);

        /** The calls pending on {@code link} (all of them when null) are lost: the connection is gone. */
        void lost(WebSocketLink link, String why);

        /** A fresh connection opened: the server knows none of this client's subscriptions. */
        void opened();

        /** Log in again and re-subscribe on {@code link}; completes when done, failures reported, not thrown. */
        CompletableFuture<Void> restore(WebSocketLink link);

        /** Whether a listener on the server side existed, so events may be missed during a gap. */
        boolean hasSubscriptions();
    }

    /** Where a call made now goes: one decision, so that the state cannot change between two questions. */
    sealed interface Route {
        /** Send it on {@code link}. */
        record Open(WebSocketLink link) implements Route {}

        /** Wait until {@code connected} completes, then ask again (it fails when the client gives up). */
        record Wait(CompletableFuture<Void> connected) implements Route {}

        /** Fail it: not connected in {@code state}. */
        record Refused(ClientState state) implements Route {}
    }

    private final URI uri;
    private final Map<String, String> headers;
    private final List<String> subprotocols;
    private final ReconnectPolicy policy;
    private final Duration connectTimeout;
    private final Duration pingInterval;
    private final Duration pongTimeout;
    private final boolean restoreOnReconnect;
    private final boolean waitForReconnect;
    private final JettyTransport transport;
    private final Callbacks callbacks;
    private final Hooks hooks;
    private final LinkEvents linkEvents = new LinkEvents();
    private final Object lock = new Object();

    // Guarded by lock.
    private ClientState state = ClientState.DISCONNECTED;
    /** The connection being established or open; a report from any other link is stale and ignored. */
    private WebSocketLink link;
    /** The connection the application is closing, and what completes when it is gone. */
    private WebSocketLink closingLink;
    private CompletableFuture<Void> closing;
    /** Completes when the client next becomes CONNECTED; fails when it gives up. Waiting calls hang on it. */
    private CompletableFuture<Void> connected = new CompletableFuture<>();
    /** Reconnect attempts since the last open. */
    private int attempts;
    /** Whether this connect() cycle has been CONNECTED before: the next CONNECTED is a reconnect. */
    private boolean wasConnected;
    private ScheduledFuture<?> reconnectTimer;

    Lifecycle(ClientOptions o, JettyTransport transport, Callbacks callbacks, Hooks hooks) {
        this.uri = o.uri();
        this.headers = o.headers();
        this.subprotocols = o.subprotocols();
        this.policy = o.policy();
        this.connectTimeout = o.connectTimeout();
        this.pingInterval = o.pingInterval();
        this.pongTimeout = o.pongTimeout();
        this.restoreOnReconnect = o.restoreOnReconnect();
        this.waitForReconnect = o.waitForReconnect();
        this.transport = transport;
        this.callbacks = callbacks;
        this.hooks = hooks;
    }

    URI uri() {
        return uri;
    }

    ClientState state() {
        synchronized (lock) {
            return state;
        }
    }

    /** Whether {@code l} is the connection being established or open. */
    boolean isCurrent(WebSocketLink l) {
        synchronized (lock) {
            return l == link;
        }
    }

    Route route() {
        synchronized (lock) {
            if (state == ClientState.CONNECTED) return new Route.Open(link);
            if (waitForReconnect && (state == ClientState.CONNECTING || state == ClientState.RECONNECTING)) return new Route.Wait(connected);
            return new Route.Refused(state);
        }
    }

    String subprotocol() {
        WebSocketLink l;
        synchronized (lock) {
            l = link;
        }
        return l == null ? null : l.acceptedSubprotocol();
    }

    // ---- the application's side ----

    /** See {@link RpcClient#connect()}. */
    CompletableFuture<Void> connect() {
        CompletableFuture<Void> ready;
        boolean start = false;
        synchronized (lock) {
            if (state == ClientState.DISCONNECTED || state == ClientState.CLOSED) {
                state = ClientState.CONNECTING;
                attempts = 0;
                wasConnected = false;
                if (connected.isDone()) connected = new CompletableFuture<>();
                start = true;
            }
            ready = connected;
        }
        if (start) startAttempt();
        return ready;
    }

    /** See {@link RpcClient#close(int, String)}; completes once Jetty's threads stopped. */
    CompletableFuture<Void> close(int code, String reason) {
        WebSocketLink open = null;
        CompletableFuture<Void> done;
        CompletableFuture<Void> abandoned = null;
        ScheduledFuture<?> timer;
        synchronized (lock) {
            if (state == ClientState.CLOSED || state == ClientState.DISCONNECTED) {
                done = closing != null ? closing : CompletableFuture.completedFuture(null);
            } else {
                state = ClientState.CLOSED;
                open = link;
                link = null;
                // A handshake still under way is left to finish and then closed quietly by opened().
                if (open != null && !open.isOpen()) open = null;
                closingLink = open;
                closing = done = open == null ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
                if (!connected.isDone()) abandoned = connected;
            }
            timer = reconnectTimer;
            reconnectTimer = null;
        }
        if (timer != null) timer.cancel(false);
        hooks.lost(null, "the client was closed");
        if (abandoned != null) abandoned.completeExceptionally(new RpcClientException(NOT_CONNECTED, null, "the client was closed"));
        if (open != null) open.close(code, reason);
        // Jetty is stopped on the SDK's own threads: never on Jetty's, and not on an application executor that may be shut down.
        return done.thenRunAsync(this::stopTransportIfClosed, ClientThreads.CALLBACKS);
    }

    // ---- attempts ----

    private void startAttempt() {
        WebSocketLink next = new WebSocketLink(linkEvents, ClientThreads.TIMERS);
        synchronized (lock) {
            if (state != ClientState.CONNECTING) return;
            link = next;
        }
        transport.connect(next, uri, headers, subprotocols, connectTimeout).whenComplete((session, failure) -> {
            if (failure != null) attemptFailed(next, Callbacks.unwrap(failure));
        });
    }

    private void attemptFailed(WebSocketLink failed, Throwable cause) {
        synchronized (lock) {
            if (failed != link) return;
            link = null;
        }
        String why = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        callbacks.emit(l -> l.onError(new RpcClientException(CONNECT_FAILED, null, "cannot connect to " + uri + ": " + why, null, cause)));
        afterDrop(Wire.CLOSE_ABNORMAL, why);
    }

    private void opened(WebSocketLink opened) {
        boolean stale;
        synchronized (lock) {
            stale = opened != link || state != ClientState.CONNECTING;
            if (!stale) attempts = 0;
        }
        if (stale) { // the application closed while the handshake was under way
            opened.close(Wire.CLOSE_NORMAL, "client closed");
            return;
        }
        hooks.opened(); // what the last connection subscribed is gone with it; the restore subscribes again
        opened.startHeartbeat(pingInterval, pongTimeout);
        if (restoreOnReconnect) hooks.restore(opened).whenComplete((v, e) -> becomeConnected(opened));
        else becomeConnected(opened);
    }

    private void becomeConnected(WebSocketLink opened) {
        boolean subscriptions = hooks.hasSubscriptions();
        CompletableFuture<Void> ready;
        boolean reconnected;
        synchronized (lock) {
            if (opened != link || state != ClientState.CONNECTING) return;
            state = ClientState.CONNECTED;
            reconnected = wasConnected;
            wasConnected = true;
            ready = connected;
        }
        callbacks.emit(ConnectionListener::onOpen);
        if (reconnected) callbacks.emit(l -> l.onReconnected(subscriptions));
        ready.complete(null);
    }

    private void ended(WebSocketLink gone, int code, String reason, Throwable cause) {
        ClientState before;
        CompletableFuture<Void> closed = null;
        synchronized (lock) {
            if (gone == closingLink) {
                closingLink = null;
                closed = closing;
            } else if (gone != link) {
                return;
            }
            before = state;
            if (gone == link) {
                link = null;
                if (connected.isDone()) connected = new CompletableFuture<>();
            }
        }
        hooks.lost(gone, "the connection was lost (" + code + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")");
        if (cause != null) {
            callbacks.emit(l -> l.onError(new RpcClientException(CONNECTION_LOST, null,
                    "the connection to " + uri + " failed: " + cause.getMessage(), null, cause)));
        }
        if (closed != null) {
            callbacks.emit(l -> l.onClose(code, reason));
            closed.complete(null);
            return;
        }
        if (before == ClientState.CONNECTED) callbacks.emit(l -> l.onClose(code, reason));
        else callbacks.emit(l -> l.onError(new RpcClientException(CONNECT_FAILED, null,
                "the connection closed (" + code + ") before it was restored", null, cause)));
        afterDrop(code, reason);
    }

    /** After a drop or a failed attempt: schedule the next attempt, or give up. */
    private void afterDrop(int code, String reason) {
        CompletableFuture<Void> abandoned = null;
        boolean maxReached = false;
        int attempt = 0;
        Duration delay = null;
        synchronized (lock) {
            if (state == ClientState.CLOSED) return; // the application closed meanwhile
            if (policy.reconnectsAfter(code) && policy.allows(attempts + 1)) {
                attempt = ++attempts;
                delay = policy.delayBefore(attempt, ThreadLocalRandom.current()::nextDouble);
                state = ClientState.RECONNECTING;
                if (connected.isDone()) connected = new CompletableFuture<>();
                reconnectTimer = ClientThreads.TIMERS.schedule(this::reconnectNow, delay.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                maxReached = policy.reconnectsAfter(code);
                state = ClientState.CLOSED;
                abandoned = connected;
            }
        }
        if (delay != null) { // announced when the wait begins (docs/client-behaviour.md, "Reconnect and restore")
            int n = attempt;
            Duration d = delay;
            callbacks.emit(l -> l.onReconnecting(n, d));
            return;
        }
        if (maxReached) callbacks.emit(l -> l.onMaxReconnectsReached(code, reason));
        // The reason carries what went wrong, e.g. a refused handshake's HTTP status (401, 403, 503).
        String last = code + (reason == null || reason.isEmpty() ? "" : ": " + reason);
        abandoned.completeExceptionally(new RpcClientException(CONNECT_FAILED, null, maxReached
                ? "gave up after " + policy.maxReconnects() + " reconnect attempts (last close " + last + ")"
                : "connection closed (" + last + ") and not reconnecting"));
        ClientThreads.CALLBACKS.execute(this::stopTransportIfClosed);
    }

    private void reconnectNow() {
        synchronized (lock) {
            if (state != ClientState.RECONNECTING) return;
            state = ClientState.CONNECTING;
            reconnectTimer = null;
        }
        startAttempt();
    }

    private void stopTransportIfClosed() {
        synchronized (lock) {
            if (state != ClientState.CLOSED) return;
        }
        try {
            transport.stop();
        } catch (RuntimeException e) { // the client is closed all the same; nothing for the application to do
            LOG.warn("the WebSocket client of {} did not stop cleanly", uri, e);
        }
    }

    /** Relays what the links report; separate so that these methods are not part of Lifecycle's own surface. */
    private final class LinkEvents implements WebSocketLink.Owner {
        @Override public void opened(WebSocketLink l) {
            Lifecycle.this.opened(l);
        }

        @Override public void received(WebSocketLink l, String text) {
            hooks.received(l, text);
        }

        @Override public void ended(WebSocketLink l, int code, String reason, Throwable cause) {
            Lifecycle.this.ended(l, code, reason, cause);
        }
    }
}
