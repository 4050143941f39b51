package dev.rpcws.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import dev.rpcws.protocol.Frames;
import dev.rpcws.protocol.Js;
import dev.rpcws.protocol.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static dev.rpcws.client.RpcClientException.Kind.AUTH_FAILED;
import static dev.rpcws.client.RpcClientException.Kind.CONNECTION_LOST;
import static dev.rpcws.client.RpcClientException.Kind.CONNECT_FAILED;
import static dev.rpcws.client.RpcClientException.Kind.MALFORMED_REPLY;
import static dev.rpcws.client.RpcClientException.Kind.NOT_CONNECTED;
import static dev.rpcws.client.RpcClientException.Kind.RESTORE_FAILED;
import static dev.rpcws.client.RpcClientException.Kind.SUBSCRIPTION_FAILED;
import static dev.rpcws.client.RpcClientException.Kind.TIMEOUT;

/**
 * A client of any rpc-websockets 10.0.1 server (the Node reference, the rpcws Jetty server, Solana-style
 * servers), following docs/client-behaviour.md: calls with timeouts, events, login, and a connection that
 * reconnects, restores its login and subscriptions, and notices a dead peer through its heartbeat.
 *
 * <pre>{@code
 * try (RpcClient client = RpcClient.builder("ws://localhost:8080/").build()) {
 *     client.connect().get();
 *     JsonNode sum = client.call("sum", List.of(5, 3)).get();
 * }
 * }</pre>
 *
 * <p>Threads: futures returned by this class complete on the callback executor (see
 * {@link Builder#executor}); event and lifecycle listeners run there too, on one serial lane per client so
 * they see things in the order they happened. Nothing user-supplied ever runs on a Jetty I/O thread.
 */
public final class RpcClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RpcClient.class);
    private static final List<String> SUBSCRIBED = List.of("ok", "socket has already been subscribed to event");
    private static final List<String> UNSUBSCRIBED = List.of("ok", "not subscribed");

    private final URI uri;
    private final Map<String, String> headers;
    private final List<String> subprotocols;
    private final ReconnectPolicy policy;
    private final Duration callTimeout;
    private final Duration connectTimeout;
    private final Duration pingInterval;
    private final Duration pongTimeout;
    private final boolean restoreOnReconnect;
    private final boolean waitForReconnect;
    private final Executor callbacks;
    private final SerialLane lane;
    private final JettyTransport transport;
    private final Dispatcher dispatcher = new Dispatcher(this::hasListeners);
    private final LinkEvents linkEvents = new LinkEvents();
    private final AtomicLong nextId = new AtomicLong(1);
    private final List<ConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
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
    /** The params of the last successful login, replayed after a reconnect. */
    private JsonNode loginParams;

    private RpcClient(Builder b) {
        this.uri = b.uri;
        this.headers = Map.copyOf(b.headers);
        this.subprotocols = List.copyOf(b.subprotocols);
        this.policy = new ReconnectPolicy(b.reconnect, b.reconnectInterval, b.maxReconnects, b.backoff, b.maxReconnectDelay);
        this.callTimeout = b.callTimeout;
        this.connectTimeout = b.connectTimeout;
        this.pingInterval = b.pingInterval;
        this.pongTimeout = b.pongTimeout;
        this.restoreOnReconnect = b.restoreOnReconnect;
        this.waitForReconnect = b.waitForReconnect;
        this.callbacks = b.executor != null ? b.executor : ClientThreads.CALLBACKS;
        this.lane = new SerialLane(callbacks);
        this.transport = new JettyTransport(b.connectTimeout, b.maxMessageBytes, b.trustStore, b.trustStorePassword, b.sslContext);
        this.connectionListeners.addAll(b.listeners);
    }

    public static Builder builder(String uri) {
        return builder(URI.create(uri));
    }

    /** A client of {@code uri}; its path is the namespace ({@code ws://host:port/chat} talks to {@code /chat}). */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    // ---- connection ----

    /**
     * Connects. Completes when the connection is open (and, after an earlier close, restored); if the first
     * attempt fails and reconnecting is on, the reconnect rules apply and the future waits for them. Fails
     * with {@link RpcClientException.Kind#CONNECT_FAILED} once the client gives up. Already connected or
     * connecting: the current attempt's future.
     */
    public CompletableFuture<Void> connect() {
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
        return onCallbacks(ready);
    }

    /**
     * Closes the connection with {@code code} and {@code reason} and goes to {@link ClientState#CLOSED},
     * whatever the code (the reference would reconnect after its own non-1000 close). Pending calls fail with
     * {@link RpcClientException.Kind#CONNECTION_LOST}. Listeners and the login are kept: a later
     * {@link #connect()} restores them. Completes once the close handshake is over and Jetty's threads stopped.
     */
    public CompletableFuture<Void> close(int code, String reason) {
        WebSocketLink open = null;
        CompletableFuture<Void> done;
        CompletableFuture<Void> abandoned = null;
        ScheduledFuture<?> timer;
        List<Dispatcher.PendingCall> lost;
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
            lost = dispatcher.forgetAll();
        }
        if (timer != null) timer.cancel(false);
        failAll(lost, "the client was closed");
        if (abandoned != null) abandoned.completeExceptionally(new RpcClientException(NOT_CONNECTED, null, "the client was closed"));
        if (open != null) open.close(code, reason);
        return onCallbacks(done.thenRunAsync(this::stopTransportIfClosed, callbacks));
    }

    /** {@code close(1000, "")}, waiting (boundedly) for the close handshake. */
    @Override public void close() {
        try {
            close(ReconnectPolicy.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("close of {} did not finish cleanly: {}", uri, e.toString());
        }
    }

    public ClientState state() {
        synchronized (lock) {
            return state;
        }
    }

    /** The subprotocol the server accepted, or {@code null} (none offered, none accepted, not connected). */
    public String subprotocol() {
        WebSocketLink l;
        synchronized (lock) {
            l = link;
        }
        return l == null ? null : l.acceptedSubprotocol();
    }

    public URI uri() {
        return uri;
    }

    public void addListener(ConnectionListener listener) {
        connectionListeners.add(Objects.requireNonNull(listener));
    }

    public void removeListener(ConnectionListener listener) {
        connectionListeners.remove(listener);
    }

    // ---- calls ----

    /** Calls {@code method} without params (the frame has no {@code params} member). */
    public CompletableFuture<JsonNode> call(String method) {
        return call(method, null, (Duration) null);
    }

    /**
     * Calls {@code method}. {@code params}: a {@code List} or array (positional), a {@code Map} or POJO
     * (named), a {@link JsonNode}, or {@code null} for none. Completes with the {@code result} (JSON null is
     * {@code NullNode}); fails with {@link RpcCallException} for an error reply, or {@link RpcClientException}.
     */
    public CompletableFuture<JsonNode> call(String method, Object params) {
        return call(method, params, (Duration) null);
    }

    /** As {@link #call(String, Object)} with its own timeout; {@link Duration#ZERO} waits forever, null uses the default. */
    public CompletableFuture<JsonNode> call(String method, Object params, Duration timeout) {
        return onCallbacks(request(method, toParams(params), timeout));
    }

    /** As {@link #call(String, Object)}, the result bound to {@code type} with the shared JSON codec. */
    public <T> CompletableFuture<T> call(String method, Object params, Class<T> type) {
        return call(method, params, type, null);
    }

    public <T> CompletableFuture<T> call(String method, Object params, Class<T> type, Duration timeout) {
        return call(method, params, timeout).thenApply(result -> Json.mapper().convertValue(result, type));
    }

    public <T> CompletableFuture<T> call(String method, Object params, TypeReference<T> type) {
        return call(method, params, type, null);
    }

    public <T> CompletableFuture<T> call(String method, Object params, TypeReference<T> type, Duration timeout) {
        return call(method, params, timeout).thenApply(result -> Json.mapper().convertValue(result, type));
    }

    /** Sends a notification (no id, no reply); completes once written. Not connected: as for calls. */
    public CompletableFuture<Void> notify(String method, Object params) {
        CompletableFuture<JsonNode> written = new CompletableFuture<>();
        armTimeout(written, method, null);
        dispatch(method, toParams(params), written, false);
        return onCallbacks(written.thenApply(x -> null));
    }

    /** {@code __listMethods}: the names of the methods of this client's namespace. */
    public CompletableFuture<List<String>> listMethods() {
        return call("__listMethods", null, new TypeReference<List<String>>() {});
    }

    /**
     * {@code rpc.login}. A falsy result fails with {@link RpcClientException.Kind#AUTH_FAILED}; a truthy one
     * is returned and its params are remembered, to log in again after a reconnect.
     */
    public CompletableFuture<JsonNode> login(Object params) {
        JsonNode p = toParams(params);
        return onCallbacks(request("rpc.login", p, null).thenApply(result -> {
            if (!Js.truthy(result)) throw new RpcClientException(AUTH_FAILED, "rpc.login", "authentication failed", result, null);
            synchronized (lock) {
                loginParams = p;
            }
            return result;
        }));
    }

    // ---- events ----

    /**
     * Listens to {@code event} and, for its first listener, subscribes on the server ({@code rpc.on}).
     * Completes with the handle once the server accepted ({@code ok}, or already subscribed); fails with
     * {@link RpcClientException.Kind#SUBSCRIPTION_FAILED} naming any other status, or with the server's
     * error (e.g. {@code -32606 Event forbidden}). The subscription is restored after reconnects.
     */
    public CompletableFuture<Subscription> subscribe(String event, EventListener listener) {
        Subscription sub = new Subscription(this, event, Objects.requireNonNull(listener), true);
        CompletableFuture<Void> onServer;
        synchronized (lock) {
            Topic topic = topics.computeIfAbsent(event, e -> new Topic());
            topic.listeners.add(sub); // before rpc.on goes out, so no event after the subscription is missed
            if (topic.subscribed == null) topic.subscribed = topic.then(() -> rpcOn(event, null));
            onServer = topic.subscribed;
        }
        return onCallbacks(onServer.handle((ok, failure) -> {
            if (failure == null) return sub;
            discard(sub, onServer);
            throw new CompletionException(unwrap(failure));
        }));
    }

    /**
     * Listens to {@code event} without telling the server: for events a server sends unasked, such as the
     * {@code {"jsonrpc":"2.0","method":...}} notifications of Solana-style servers.
     */
    public Subscription on(String event, EventListener listener) {
        Subscription sub = new Subscription(this, event, Objects.requireNonNull(listener), false);
        synchronized (lock) {
            topics.computeIfAbsent(event, e -> new Topic()).listeners.add(sub);
        }
        return sub;
    }

    /** Removes every listener of {@code event} and, if it was subscribed, sends {@code rpc.off}. */
    public CompletableFuture<Void> unsubscribe(String event) {
        CompletableFuture<Void> off = CompletableFuture.completedFuture(null);
        synchronized (lock) {
            Topic topic = topics.get(event);
            if (topic != null) topic.listeners.clear();
            if (topic != null && topic.subscribed != null) {
                topic.subscribed = null;
                if (state == ClientState.CONNECTED) off = topic.then(() -> rpcOff(event));
            }
        }
        return onCallbacks(off);
    }

    /** Called by {@link Subscription#unsubscribe()}. */
    CompletableFuture<Void> remove(Subscription sub) {
        CompletableFuture<Void> off = CompletableFuture.completedFuture(null);
        synchronized (lock) {
            Topic topic = topics.get(sub.event());
            if (topic == null || !topic.listeners.remove(sub)) return off;
            if (sub.serverSide() && !topic.hasServerSide() && topic.subscribed != null) {
                topic.subscribed = null;
                if (state == ClientState.CONNECTED) off = topic.then(() -> rpcOff(sub.event()));
            }
        }
        return onCallbacks(off);
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

    private CompletableFuture<Void> rpcOn(String event, WebSocketLink via) {
        return subscriptionCall("rpc.on", event, via, SUBSCRIBED);
    }

    private CompletableFuture<Void> rpcOff(String event) {
        return subscriptionCall("rpc.off", event, null, UNSUBSCRIBED);
    }

    /** {@code rpc.on}/{@code rpc.off} for one event; the status the server gives that event decides. */
    private CompletableFuture<Void> subscriptionCall(String method, String event, WebSocketLink via, List<String> accepted) {
        JsonNode params = Json.array().add(event);
        CompletableFuture<JsonNode> reply = via == null ? request(method, params, null) : requestOn(via, method, params);
        return reply.thenApply(result -> {
            JsonNode status = result.isObject() ? result.get(event) : null;
            if (status == null || !status.isTextual()) {
                throw new RpcClientException(MALFORMED_REPLY, method, method + " answered without a status for '" + event + "': " + result, result, null);
            }
            if (!accepted.contains(status.textValue())) {
                throw new RpcClientException(SUBSCRIPTION_FAILED, method,
                        method + " '" + event + "' failed: " + status.textValue(), result, null);
            }
            return null;
        });
    }

    private boolean hasListeners(String event) {
        Topic topic = topics.get(event);
        return topic != null && !topic.listeners.isEmpty();
    }

    private void deliver(Dispatcher.Event event) {
        lane.execute(() -> {
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

    // ---- sending ----

    /** A call through the state gate: sent when connected, waiting or failing otherwise. */
    private CompletableFuture<JsonNode> request(String method, JsonNode params, Duration timeout) {
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        armTimeout(reply, method, timeout);
        dispatch(method, params, reply, true);
        return reply;
    }

    /** A call on one particular connection, whatever the state: the restore steps before CONNECTED. */
    private CompletableFuture<JsonNode> requestOn(WebSocketLink via, String method, JsonNode params) {
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        armTimeout(reply, method, null);
        transmit(via, method, params, reply, true);
        return reply;
    }

    private void dispatch(String method, JsonNode params, CompletableFuture<JsonNode> reply, boolean expectsReply) {
        if (reply.isDone()) return; // timed out or cancelled while waiting for a connection
        WebSocketLink open = null;
        CompletableFuture<Void> ready = null;
        synchronized (lock) {
            if (state == ClientState.CONNECTED) open = link;
            else if (waitForReconnect && (state == ClientState.CONNECTING || state == ClientState.RECONNECTING)) ready = connected;
        }
        if (open != null) {
            transmit(open, method, params, reply, expectsReply);
        } else if (ready != null) {
            ready.whenComplete((ok, failure) -> {
                if (failure == null) dispatch(method, params, reply, expectsReply);
                else reply.completeExceptionally(new RpcClientException(NOT_CONNECTED, method,
                        method + ": the client gave up connecting", null, unwrap(failure)));
            });
        } else {
            reply.completeExceptionally(new RpcClientException(NOT_CONNECTED, method, method + ": not connected (" + state() + ")"));
        }
    }

    private void transmit(WebSocketLink via, String method, JsonNode params, CompletableFuture<JsonNode> reply, boolean expectsReply) {
        long id = 0;
        boolean current;
        synchronized (lock) {
            // Tracked under the lock, so a drop either sees this call and fails it, or happened before.
            current = via == link;
            if (current && expectsReply) {
                id = nextId.getAndIncrement();
                dispatcher.track(new Dispatcher.PendingCall(id, method, reply));
            }
        }
        if (!current) {
            reply.completeExceptionally(new RpcClientException(CONNECTION_LOST, method, method + ": the connection was lost"));
            return;
        }
        if (expectsReply) {
            long callId = id;
            reply.whenComplete((r, e) -> dispatcher.forget(callId)); // timeouts and cancellations forget the call
        }
        String frame = Json.write(Frames.request(method, params, expectsReply ? LongNode.valueOf(id) : null));
        long callId = id;
        via.send(frame).whenComplete((written, failure) -> {
            if (failure != null) {
                if (!expectsReply || dispatcher.forget(callId) != null) {
                    reply.completeExceptionally(new RpcClientException(CONNECTION_LOST, method,
                            method + ": the frame could not be sent", null, failure));
                }
            } else if (!expectsReply) {
                reply.complete(null);
            }
        });
    }

    private void armTimeout(CompletableFuture<JsonNode> reply, String method, Duration timeout) {
        Duration t = timeout != null ? timeout : callTimeout;
        if (t.isZero() || t.isNegative()) return;
        ScheduledFuture<?> timer = ClientThreads.TIMERS.schedule(() -> reply.completeExceptionally(
                new RpcClientException(TIMEOUT, method, method + ": no reply within " + t.toMillis() + " ms")),
                t.toMillis(), TimeUnit.MILLISECONDS);
        reply.whenComplete((r, e) -> timer.cancel(false));
    }

    private static JsonNode toParams(Object params) {
        JsonNode node = Json.toNode(params);
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }

    // ---- connection life cycle ----

    private void startAttempt() {
        WebSocketLink next = new WebSocketLink(linkEvents, ClientThreads.TIMERS);
        synchronized (lock) {
            if (state != ClientState.CONNECTING) return;
            link = next;
        }
        transport.connect(next, uri, headers, subprotocols, connectTimeout).whenComplete((session, failure) -> {
            if (failure != null) attemptFailed(next, unwrap(failure));
        });
    }

    private void attemptFailed(WebSocketLink failed, Throwable cause) {
        synchronized (lock) {
            if (failed != link) return;
            link = null;
        }
        String why = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        emit(l -> l.onError(new RpcClientException(CONNECT_FAILED, null, "cannot connect to " + uri + ": " + why, null, cause)));
        afterDrop(WebSocketLink.ABNORMAL_CLOSURE, why);
    }

    private void opened(WebSocketLink opened) {
        boolean stale;
        synchronized (lock) {
            stale = opened != link || state != ClientState.CONNECTING;
            if (!stale) {
                attempts = 0;
                // What the last connection subscribed is gone with it; restore() subscribes again.
                for (Topic topic : topics.values()) topic.subscribed = null;
            }
        }
        if (stale) { // the application closed while the handshake was under way
            opened.close(ReconnectPolicy.NORMAL_CLOSURE, "client closed");
            return;
        }
        opened.startHeartbeat(pingInterval, pongTimeout);
        if (restoreOnReconnect) restore(opened).whenComplete((v, e) -> becomeConnected(opened));
        else becomeConnected(opened);
    }

    /** Logs in again, then re-subscribes every subscribed event; failures are reported, not fatal. */
    private CompletableFuture<Void> restore(WebSocketLink via) {
        JsonNode login;
        synchronized (lock) {
            login = loginParams;
        }
        CompletableFuture<Void> loggedIn = login == null ? CompletableFuture.completedFuture(null)
                : requestOn(via, "rpc.login", login).handle((result, failure) -> {
                    if (failure == null && !Js.truthy(result)) {
                        failure = new RpcClientException(AUTH_FAILED, "rpc.login", "authentication failed", result, null);
                    }
                    if (failure != null) restoreFailed(via, "logging in again failed", failure);
                    return null;
                });
        return loggedIn.thenCompose(x -> {
            List<CompletableFuture<Void>> steps = new ArrayList<>();
            synchronized (lock) {
                if (via != link) return CompletableFuture.completedFuture(null);
                topics.forEach((event, topic) -> {
                    if (!topic.hasServerSide()) return;
                    CompletableFuture<Void> on = topic.restart(() -> rpcOn(event, via));
                    topic.subscribed = on;
                    steps.add(on.exceptionally(failure -> {
                        synchronized (lock) {
                            if (topic.subscribed == on) topic.subscribed = null; // a later subscribe() tries again
                        }
                        restoreFailed(via, "subscribing to '" + event + "' again failed", failure);
                        return null;
                    }));
                });
            }
            return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new));
        });
    }

    private void restoreFailed(WebSocketLink via, String what, Throwable failure) {
        synchronized (lock) {
            if (via != link) return; // the connection is gone: its drop is reported instead
        }
        Throwable cause = unwrap(failure);
        emit(l -> l.onError(new RpcClientException(RESTORE_FAILED, null, what + ": " + cause.getMessage(), null, cause)));
    }

    private void becomeConnected(WebSocketLink opened) {
        CompletableFuture<Void> ready;
        boolean reconnected;
        boolean subscriptions;
        synchronized (lock) {
            if (opened != link || state != ClientState.CONNECTING) return;
            state = ClientState.CONNECTED;
            reconnected = wasConnected;
            wasConnected = true;
            subscriptions = topics.values().stream().anyMatch(Topic::hasServerSide);
            ready = connected;
        }
        emit(ConnectionListener::onOpen);
        if (reconnected) emit(l -> l.onReconnected(subscriptions));
        ready.complete(null);
    }

    private void ended(WebSocketLink gone, int code, String reason, Throwable cause) {
        ClientState before;
        CompletableFuture<Void> closed = null;
        List<Dispatcher.PendingCall> lost;
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
            lost = dispatcher.forgetAll();
        }
        failAll(lost, "the connection was lost (" + code + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")");
        if (cause != null) emit(l -> l.onError(cause));
        if (closed != null) {
            emit(l -> l.onClose(code, reason));
            closed.complete(null);
            return;
        }
        if (before == ClientState.CONNECTED) emit(l -> l.onClose(code, reason));
        else emit(l -> l.onError(new RpcClientException(CONNECT_FAILED, null,
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
        if (delay != null) {
            int n = attempt;
            Duration d = delay;
            emit(l -> l.onReconnecting(n, d));
            return;
        }
        if (maxReached) emit(l -> l.onMaxReconnectsReached(code, reason));
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
        transport.stop();
    }

    private void failAll(List<Dispatcher.PendingCall> calls, String why) {
        for (Dispatcher.PendingCall call : calls) {
            call.reply().completeExceptionally(new RpcClientException(CONNECTION_LOST, call.method(), call.method() + ": " + why));
        }
    }

    private void emit(Consumer<ConnectionListener> event) {
        lane.execute(() -> {
            for (ConnectionListener l : connectionListeners) {
                try {
                    event.accept(l);
                } catch (RuntimeException e) {
                    LOG.warn("a connection listener threw", e);
                }
            }
        });
    }

    /** Hands a future's outcome to the callback executor, so no caller code runs on Jetty or timer threads. */
    private <T> CompletableFuture<T> onCallbacks(CompletableFuture<T> internal) {
        CompletableFuture<T> external = new CompletableFuture<>();
        internal.whenComplete((result, failure) -> {
            Runnable settle = () -> {
                if (failure == null) external.complete(result);
                else external.completeExceptionally(unwrap(failure));
            };
            try {
                callbacks.execute(settle);
            } catch (RejectedExecutionException shutDown) {
                settle.run();
            }
        });
        external.whenComplete((r, e) -> {
            if (external.isCancelled()) internal.cancel(false);
        });
        return external;
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
        return t;
    }

    /** Relays what the links report; separate so that RpcClient does not expose these methods. */
    private final class LinkEvents implements WebSocketLink.Owner {
        @Override public void opened(WebSocketLink l) {
            RpcClient.this.opened(l);
        }

        @Override public void received(WebSocketLink l, String text) {
            Dispatcher.Inbound in = dispatcher.receive(text);
            if (in instanceof Dispatcher.Event e) deliver(e);
            else if (in instanceof Dispatcher.Settled s) s.call().reply().complete(s.result());
            else if (in instanceof Dispatcher.Failed f) f.call().reply().completeExceptionally(f.error());
            else if (in instanceof Dispatcher.Dropped d) LOG.debug("dropped a frame from {}: {}", uri, d.why());
        }

        @Override public void ended(WebSocketLink l, int code, String reason, Throwable cause) {
            RpcClient.this.ended(l, code, reason, cause);
        }
    }

    // ---- configuration ----

    /** Options and defaults as in docs/client-behaviour.md; see the README's options table. */
    public static final class Builder {
        private final URI uri;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final List<String> subprotocols = new ArrayList<>();
        private final List<ConnectionListener> listeners = new ArrayList<>();
        private Path trustStore;
        private String trustStorePassword;
        private SSLContext sslContext;
        private boolean reconnect = true;
        private Duration reconnectInterval = Duration.ofSeconds(1);
        private int maxReconnects = 5;
        private boolean backoff = false;
        private Duration maxReconnectDelay = Duration.ofSeconds(30);
        private Duration callTimeout = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private boolean restoreOnReconnect = true;
        private boolean waitForReconnect = false;
        private Duration pingInterval = Duration.ofSeconds(30);
        private Duration pongTimeout = Duration.ofSeconds(10);
        /** Far above any sane JSON-RPC message; Jetty's own default (64 KiB) would cut off ordinary replies. */
        private long maxMessageBytes = 16L * 1024 * 1024;
        private Executor executor;

        private Builder(URI uri) {
            String scheme = Objects.requireNonNull(uri, "uri").getScheme();
            if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("not a ws:// or wss:// URI: " + uri);
            }
            this.uri = uri;
        }

        /** An extra handshake header (e.g. {@code Authorization}), sent on every connect and reconnect. */
        public Builder header(String name, String value) { headers.put(name, value); return this; }
        public Builder headers(Map<String, String> v) { headers.putAll(v); return this; }
        /** Offered subprotocols; the server's choice is {@link RpcClient#subprotocol()}. */
        public Builder subprotocols(String... v) { subprotocols.addAll(List.of(v)); return this; }
        /** For {@code wss://}: trust the certificates in this key store (PKCS12 or JKS). */
        public Builder trustStore(Path path, String password) { trustStore = path; trustStorePassword = password; return this; }
        /** For {@code wss://}: use this SSL context (its trust managers decide). */
        public Builder sslContext(SSLContext v) { sslContext = v; return this; }
        /** Reconnect after a close whose code is not 1000 (default true). */
        public Builder reconnect(boolean v) { reconnect = v; return this; }
        /** Delay before each attempt (default 1 s); with backoff, the first delay. */
        public Builder reconnectInterval(Duration v) { reconnectInterval = v; return this; }
        /** Attempts after a drop before giving up (default 5); 0 = unlimited. Reset when a connection opens. */
        public Builder maxReconnects(int v) { maxReconnects = v; return this; }
        /** Exponential backoff with jitter instead of the fixed interval (default off). */
        public Builder backoff(boolean v) { backoff = v; return this; }
        /** The backoff's cap (default 30 s). */
        public Builder maxReconnectDelay(Duration v) { maxReconnectDelay = v; return this; }
        /** Default per-call timeout (default 30 s); {@link Duration#ZERO} waits forever. */
        public Builder callTimeout(Duration v) { callTimeout = v; return this; }
        /** Time allowed for one WebSocket handshake (default 10 s). */
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        /** Log in again and re-subscribe after a reconnect (default true). */
        public Builder restoreOnReconnect(boolean v) { restoreOnReconnect = v; return this; }
        /** Calls made while (re)connecting wait for the connection, within their timeout (default false: fail at once). */
        public Builder waitForReconnect(boolean v) { waitForReconnect = v; return this; }
        /** Heartbeat ping interval (default 30 s); {@link Duration#ZERO} disables the heartbeat. */
        public Builder pingInterval(Duration v) { pingInterval = v; return this; }
        /** Silence after a ping that means the connection is dead (default 10 s). */
        public Builder pongTimeout(Duration v) { pongTimeout = v; return this; }
        /** Largest message accepted from the server (default 16 MiB). */
        public Builder maxMessageBytes(long v) { maxMessageBytes = v; return this; }
        /**
         * Where futures complete and listeners run (default: a shared cached pool of daemon threads). Listeners
         * of one client run one at a time, in order, whatever the executor. It must hand tasks to other threads
         * (not run them in the calling thread, which may be Jetty's), and a listener that blocks on a call needs
         * a second thread for the reply to complete on.
         */
        public Builder executor(Executor v) { executor = v; return this; }
        /** A lifecycle listener present from the start (so it sees the first {@code open}). */
        public Builder listener(ConnectionListener v) { listeners.add(Objects.requireNonNull(v)); return this; }

        public RpcClient build() {
            Objects.requireNonNull(reconnectInterval, "reconnectInterval");
            Objects.requireNonNull(callTimeout, "callTimeout");
            Objects.requireNonNull(pingInterval, "pingInterval");
            if (!pingInterval.isZero() && (pongTimeout == null || pongTimeout.isZero() || pongTimeout.isNegative())) {
                throw new IllegalArgumentException("pongTimeout must be positive when the heartbeat is on");
            }
            if (connectTimeout == null || connectTimeout.isZero() || connectTimeout.isNegative()) {
                throw new IllegalArgumentException("connectTimeout must be positive");
            }
            return new RpcClient(this);
        }
    }
}
