package dev.rpcws.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.Json;
import dev.rpcws.protocol.Wire;
import dev.rpcws.protocol.client.Inbound;
import dev.rpcws.protocol.client.InboundClassifier;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import static dev.rpcws.client.RpcClientException.Kind.UNEXPECTED_RESULT;

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
 * <p>A facade over the client's parts: {@link Lifecycle} (states, reconnect), {@link Restore} (login and what a
 * fresh connection gets back), {@link Calls} (send path, timeouts, replies), {@link Subscriptions} (listeners,
 * {@code rpc.on}/{@code rpc.off}), {@link Heartbeat}, and {@link Callbacks} (where application code runs).
 *
 * <p>Threads: futures returned by this class complete on the callback executor (see
 * {@link Builder#executor}); event and lifecycle listeners run there too, on one serial lane per client so
 * they see things in the order they happened. Nothing user-supplied ever runs on a Jetty I/O thread.
 *
 * <p>Failures: every future fails with an {@link RpcClientException} (an error reply: its subclass
 * {@link RpcCallException}), so one {@code catch} clause covers anything the SDK reports.
 */
public final class RpcClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RpcClient.class);

    private final URI uri;
    private final Callbacks callbacks;
    private final Lifecycle lifecycle;
    private final Calls calls;
    private final Subscriptions subscriptions;
    private final Restore restore;
    private final InboundClassifier<Calls.Call> classifier;

    private RpcClient(ClientOptions o) {
        this.uri = o.uri();
        this.callbacks = new Callbacks(o.executor(), o.listeners());
        JettyTransport transport = new JettyTransport(o.connectTimeout(), o.maxMessageBytes(), o.perMessageDeflate(), o.trustStore(), o.trustStorePassword(), o.sslContext());
        this.lifecycle = new Lifecycle(o, transport, callbacks, new ConnectionHooks());
        this.calls = new Calls(lifecycle, o.callTimeout());
        this.subscriptions = new Subscriptions(lifecycle, calls, callbacks);
        this.restore = new Restore(lifecycle, calls, subscriptions, callbacks);
        this.classifier = new InboundClassifier<>(calls.pending(), subscriptions::hasListeners);
    }

    /**
     * A client of {@code uri}, as {@link #builder(URI)}.
     *
     * @param uri a {@code ws://} or {@code wss://} URI
     * @return a builder with the defaults
     * @throws IllegalArgumentException when it is not a WebSocket URI
     */
    public static Builder builder(String uri) {
        return builder(URI.create(uri));
    }

    /**
     * A client of {@code uri}; its path is the namespace ({@code ws://host:port/chat} talks to {@code /chat}).
     *
     * @param uri a {@code ws://} or {@code wss://} URI
     * @return a builder with the defaults
     * @throws IllegalArgumentException when it is not a WebSocket URI
     */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    // ---- connection ----

    /**
     * Connects. Completes when the connection is open (and, after an earlier close, restored); if the first
     * attempt fails and reconnecting is on, the reconnect rules apply and the future waits for them. Fails
     * with {@link RpcClientException.Kind#CONNECT_FAILED} once the client gives up. Already connected or
     * connecting: the current attempt's future.
     *
     * @return completes once connected
     */
    public CompletableFuture<Void> connect() {
        return callbacks.handOff(lifecycle.connect());
    }

    /**
     * Closes the connection with {@code code} and {@code reason} and goes to {@link ClientState#CLOSED},
     * whatever the code (the reference would reconnect after its own non-1000 close). Pending calls fail with
     * {@link RpcClientException.Kind#CONNECTION_LOST}. Listeners and the login are kept: a later
     * {@link #connect()} restores them.
     *
     * @param code the close code (1000 for a normal close)
     * @param reason the close reason, possibly empty
     * @return completes once the close handshake is over and Jetty's threads stopped
     */
    public CompletableFuture<Void> close(int code, String reason) {
        return callbacks.handOff(lifecycle.close(code, reason));
    }

    /** {@code close(1000, "")}, waiting (boundedly) for the close handshake. */
    @Override public void close() {
        try {
            close(Wire.CLOSE_NORMAL, "").get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("close of {} did not finish cleanly: {}", uri, e.toString());
        }
    }

    /** {@return where the connection stands} */
    public ClientState state() {
        return lifecycle.state();
    }

    /** {@return the subprotocol the server accepted, or {@code null} (none offered, none accepted, not connected)} */
    public String subprotocol() {
        return lifecycle.subprotocol();
    }

    /** {@return the server's URI, as built} */
    public URI uri() {
        return uri;
    }

    /**
     * Adds a lifecycle listener; to see the first {@code open}, pass it to {@link Builder#listener} instead.
     *
     * @param listener the listener
     */
    public void addListener(ConnectionListener listener) {
        callbacks.addListener(Objects.requireNonNull(listener));
    }

    /** @param listener a listener added before; others are ignored */
    public void removeListener(ConnectionListener listener) {
        callbacks.removeListener(listener);
    }

    // ---- calls ----

    /**
     * Calls {@code method} without params (the frame has no {@code params} member).
     *
     * @param method the method's name
     * @return completes with the {@code result}, as {@link #call(String, Object)}
     */
    public CompletableFuture<JsonNode> call(String method) {
        return call(method, null, (Duration) null);
    }

    /**
     * Calls {@code method}. {@code params}: a {@code List} or array (positional), a {@code Map} or POJO
     * (named), a {@link JsonNode}, or {@code null} for none. Completes with the {@code result} (JSON null is
     * {@code NullNode}); fails with {@link RpcCallException} for an error reply, or another
     * {@link RpcClientException} ({@link RpcClientException.Kind#ENCODE_FAILED} when the params cannot be sent
     * as JSON, e.g. a NaN).
     *
     * @param method the method's name
     * @param params the params, or {@code null} for none
     * @return completes with the {@code result}
     */
    public CompletableFuture<JsonNode> call(String method, Object params) {
        return call(method, params, (Duration) null);
    }

    /**
     * As {@link #call(String, Object)} with its own timeout.
     *
     * @param method the method's name
     * @param params the params, or {@code null} for none
     * @param timeout this call's timeout; {@link Duration#ZERO} waits forever, {@code null} uses the default
     * @return completes with the {@code result}
     */
    public CompletableFuture<JsonNode> call(String method, Object params, Duration timeout) {
        return callbacks.handOff(calls.call(method, params, timeout));
    }

    /**
     * As {@link #call(String, Object)}, the result bound to {@code type} with the shared JSON codec; a result
     * that does not fit fails with {@link RpcClientException.Kind#UNEXPECTED_RESULT}.
     *
     * @param <T> the result's Java type
     * @param method the method's name
     * @param params the params, or {@code null} for none
     * @param type the result's Java type
     * @return completes with the bound result
     */
    public <T> CompletableFuture<T> call(String method, Object params, Class<T> type) {
        return call(method, params, type, null);
    }

    /**
     * As {@link #call(String, Object, Class)} with its own timeout.
     *
     * @param <T> the result's Java type
     * @param method the method's name
     * @param params the params, or {@code null} for none
     * @param type the result's Java type
     * @param timeout this call's timeout; {@link Duration#ZERO} waits forever, {@code null} uses the default
     * @return completes with the bound result
     */
    public <T> CompletableFuture<T> call(String method, Object params, Class<T> type, Duration timeout) {
        return typed(method, params, timeout, result -> Json.mapper().convertValue(result, type));
    }

    /**
     * As {@link #call(String, Object, Class)} for a generic type.
     *
     * @param <T> the result's Java type
     * @param method the method's name
     * @param params the params, or {@code null} for none
     * @param type the result's type, e.g. {@code new TypeReference<List<String>>() {}}
     * @return completes with the bound result
     */
    public <T> CompletableFuture<T> call(String method, Object params, TypeReference<T> type) {
        return call(method, params, type, null);
    }

    /**
     * As {@link #call(String, Object, TypeReference)} with its own timeout.
     *
     * @param <T> the result's Java type
     * @param method the method's name
     * @param params the params, or {@code null} for none
     * @param type the result's type
     * @param timeout this call's timeout; {@link Duration#ZERO} waits forever, {@code null} uses the default
     * @return completes with the bound result
     */
    public <T> CompletableFuture<T> call(String method, Object params, TypeReference<T> type, Duration timeout) {
        return typed(method, params, timeout, result -> Json.mapper().convertValue(result, type));
    }

    private <T> CompletableFuture<T> typed(String method, Object params, Duration timeout, Function<JsonNode, T> bind) {
        return call(method, params, timeout).thenApply(result -> {
            try {
                return bind.apply(result);
            } catch (IllegalArgumentException e) {
                throw new RpcClientException(UNEXPECTED_RESULT, method, method + ": the result does not fit: " + e.getMessage(), result, e);
            }
        });
    }

    /**
     * Sends a notification (no id, no reply). Not connected: as for calls.
     *
     * @param method the method's name
     * @param params the params, or {@code null} for none
     * @return completes once written
     */
    public CompletableFuture<Void> notify(String method, Object params) {
        return callbacks.handOff(calls.notify(method, params));
    }

    /** {@return {@code __listMethods}: the names of the methods of this client's namespace} */
    public CompletableFuture<List<String>> listMethods() {
        return call(Wire.LIST_METHODS, null, new TypeReference<List<String>>() {});
    }

    /**
     * {@code rpc.login}. A falsy result fails with {@link RpcClientException.Kind#AUTH_FAILED}; a truthy one
     * is returned and its params are remembered, to log in again after a reconnect.
     *
     * @param params the credentials, e.g. {@code Map.of("username", "u", "password", "p")}
     * @return completes with the login handler's result
     */
    public CompletableFuture<JsonNode> login(Object params) {
        return callbacks.handOff(restore.login(params));
    }

    // ---- events ----

    /**
     * Listens to {@code event} and, for its first listener, subscribes on the server ({@code rpc.on}).
     * Completes with the handle once the server accepted ({@code ok}, or already subscribed); fails with
     * {@link RpcClientException.Kind#SUBSCRIPTION_FAILED} naming any other status, or with the server's
     * error (e.g. {@code -32606 Event forbidden}). The subscription is restored after reconnects.
     *
     * @param event the event's name
     * @param listener receives its events
     * @return completes with the handle that removes the listener
     */
    public CompletableFuture<Subscription> subscribe(String event, EventListener listener) {
        return callbacks.handOff(subscriptions.subscribe(event, listener));
    }

    /**
     * Listens to {@code event} without telling the server: for events a server sends unasked, such as the
     * {@code {"jsonrpc":"2.0","method":...}} notifications of Solana-style servers.
     *
     * @param event the event's name
     * @param listener receives its events
     * @return the handle that removes the listener
     */
    public Subscription on(String event, EventListener listener) {
        return subscriptions.on(event, listener);
    }

    /**
     * Removes every listener of {@code event} and, if it was subscribed, sends {@code rpc.off}.
     *
     * @param event the event's name
     * @return completes once the server answered (at once when no {@code rpc.off} was needed)
     */
    public CompletableFuture<Void> unsubscribe(String event) {
        return callbacks.handOff(subscriptions.unsubscribe(event));
    }

    /** What a connection's traffic and turning points mean for the parts; the inbound frames meet here. */
    private final class ConnectionHooks implements Lifecycle.Hooks {
        @Override public void received(WebSocketLink link, String text) {
            Inbound<Calls.Call> in = classifier.classify(text);
            if (in instanceof Inbound.Event<Calls.Call> event) subscriptions.deliver(event);
            else calls.settle(in);
        }

        @Override public void lost(WebSocketLink link, String why) {
            calls.lost(link, why);
        }

        @Override public void opened() {
            subscriptions.forgetServerSide();
        }

        @Override public CompletableFuture<Void> restore(WebSocketLink link) {
            return restore.run(link);
        }

        @Override public boolean hasSubscriptions() {
            return subscriptions.hasServerSide();
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
        private Duration pingInterval = Wire.DEFAULT_PING_INTERVAL;
        private Duration pongTimeout = Wire.DEFAULT_PONG_TIMEOUT;
        /** Jetty's own default (64 KiB) would cut off ordinary replies. */
        private long maxMessageBytes = Wire.DEFAULT_MAX_MESSAGE_BYTES;
        /** Offered as the npm Client (on `ws`) and Python `websockets` offer it; the server decides. */
        private boolean perMessageDeflate = true;
        private Executor executor;

        private Builder(URI uri) {
            String scheme = Objects.requireNonNull(uri, "uri").getScheme();
            if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("not a ws:// or wss:// URI: " + uri);
            }
            this.uri = uri;
        }

        /**
         * An extra handshake header (e.g. {@code Authorization}), sent on every connect and reconnect.
         *
         * @param name the header's name
         * @param value its value
         * @return this builder
         */
        public Builder header(String name, String value) { headers.put(name, value); return this; }
        /**
         * Extra handshake headers, as {@link #header} for each.
         *
         * @param v headers to add, name to value
         * @return this builder
         */
        public Builder headers(Map<String, String> v) { headers.putAll(v); return this; }
        /**
         * Offered subprotocols; the server's choice is {@link RpcClient#subprotocol()}.
         *
         * @param v the subprotocols, in order of preference
         * @return this builder
         */
        public Builder subprotocols(String... v) { subprotocols.addAll(List.of(v)); return this; }
        /**
         * For {@code wss://}: trust the certificates in this key store (PKCS12 or JKS).
         *
         * @param path the key store file
         * @param password its password
         * @return this builder
         */
        public Builder trustStore(Path path, String password) { trustStore = path; trustStorePassword = password; return this; }
        /**
         * For {@code wss://}: use this SSL context (its trust managers decide).
         *
         * @param v the context
         * @return this builder
         */
        public Builder sslContext(SSLContext v) { sslContext = v; return this; }
        /**
         * Reconnect after a close whose code is not 1000 (default true).
         *
         * @param v whether to reconnect
         * @return this builder
         */
        public Builder reconnect(boolean v) { reconnect = v; return this; }
        /**
         * Delay before each attempt (default 1 s); with backoff, the first delay.
         *
         * @param v the delay
         * @return this builder
         */
        public Builder reconnectInterval(Duration v) { reconnectInterval = v; return this; }
        /**
         * Attempts after a drop before giving up (default 5); 0 = unlimited. Reset when a connection opens.
         *
         * @param v the number of attempts; 0 = unlimited
         * @return this builder
         */
        public Builder maxReconnects(int v) { maxReconnects = v; return this; }
        /**
         * Exponential backoff with jitter instead of the fixed interval (default off).
         *
         * @param v whether to back off
         * @return this builder
         */
        public Builder backoff(boolean v) { backoff = v; return this; }
        /**
         * The backoff's cap (default 30 s).
         *
         * @param v the cap
         * @return this builder
         */
        public Builder maxReconnectDelay(Duration v) { maxReconnectDelay = v; return this; }
        /**
         * Default per-call timeout (default 30 s); {@link Duration#ZERO} waits forever.
         *
         * @param v the timeout
         * @return this builder
         */
        public Builder callTimeout(Duration v) { callTimeout = v; return this; }
        /**
         * Time allowed for one WebSocket handshake (default 10 s).
         *
         * @param v the time allowed; positive
         * @return this builder
         */
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        /**
         * Log in again and re-subscribe after a reconnect (default true).
         *
         * @param v whether to restore
         * @return this builder
         */
        public Builder restoreOnReconnect(boolean v) { restoreOnReconnect = v; return this; }
        /**
         * Calls made while (re)connecting wait for the connection, within their timeout (default false: fail at once).
         *
         * @param v whether calls wait
         * @return this builder
         */
        public Builder waitForReconnect(boolean v) { waitForReconnect = v; return this; }
        /**
         * Heartbeat ping interval (default 30 s); {@link Duration#ZERO} disables the heartbeat.
         *
         * @param v the interval
         * @return this builder
         */
        public Builder pingInterval(Duration v) { pingInterval = v; return this; }
        /**
         * Silence after a ping that means the connection is dead (default 10 s).
         *
         * @param v the silence allowed; positive while the heartbeat is on
         * @return this builder
         */
        public Builder pongTimeout(Duration v) { pongTimeout = v; return this; }
        /**
         * Largest message accepted from the server (default 16 MiB).
         *
         * @param v the limit in bytes
         * @return this builder
         */
        public Builder maxMessageBytes(long v) { maxMessageBytes = v; return this; }
        /**
         * Offer permessage-deflate in the handshake (default true, as the npm Client offers it); where the server
         * accepts, every message goes compressed both ways, and where it declines, uncompressed.
         * {@link #maxMessageBytes} holds for the inflated size.
         *
         * @param v whether to offer compression
         * @return this builder
         */
        public Builder perMessageDeflate(boolean v) { perMessageDeflate = v; return this; }
        /**
         * Where futures complete and listeners run (default: a shared cached pool of daemon threads). Listeners
         * of one client run one at a time, in order, whatever the executor. It must hand tasks to other threads
         * (not run them in the calling thread, which may be Jetty's), and a listener that blocks on a call needs
         * a second thread for the reply to complete on.
         *
         * @param v the executor
         * @return this builder
         */
        public Builder executor(Executor v) { executor = v; return this; }
        /**
         * A lifecycle listener present from the start (so it sees the first {@code open}).
         *
         * @param v the listener
         * @return this builder
         */
        public Builder listener(ConnectionListener v) { listeners.add(Objects.requireNonNull(v)); return this; }

        /**
         * Builds the client; it connects on {@link RpcClient#connect()}.
         *
         * @return the client
         * @throws IllegalArgumentException for a non-positive connect timeout, or pong timeout with the heartbeat on
         */
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
            return new RpcClient(new ClientOptions(uri, headers, subprotocols,
                    new ReconnectPolicy(reconnect, reconnectInterval, maxReconnects, backoff, maxReconnectDelay),
                    callTimeout, connectTimeout, pingInterval, pongTimeout, restoreOnReconnect, waitForReconnect,
                    maxMessageBytes, perMessageDeflate, trustStore, trustStorePassword, sslContext,
                    executor != null ? executor : ClientThreads.CALLBACKS, listeners));
        }
    }
}
