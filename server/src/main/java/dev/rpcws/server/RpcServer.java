package dev.rpcws.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.EventParams;
import dev.rpcws.protocol.MethodHandler;
import dev.rpcws.protocol.Incoming;
import dev.rpcws.protocol.Peer;
import dev.rpcws.protocol.RequestProcessor;
import dev.rpcws.protocol.Wire;
import dev.rpcws.server.admin.AdminApi;
import dev.rpcws.server.admin.AdminView;
import dev.rpcws.server.cluster.Broker;
import dev.rpcws.server.connection.ConnectionHost;
import dev.rpcws.server.connection.RpcConnection;
import dev.rpcws.server.events.Emission;
import dev.rpcws.server.events.EventDelivery;
import dev.rpcws.server.events.LocalDelivery;
import dev.rpcws.server.events.Registrations;
import dev.rpcws.server.events.Subscriber;
import dev.rpcws.server.events.Subscribers;
import dev.rpcws.server.limits.Limits;
import dev.rpcws.server.security.AdminAuth;
import dev.rpcws.server.security.HandshakeAuthenticator;
import dev.rpcws.server.security.UpgradePolicy;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.ExecutorThreadPool;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.Json;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * An rpc-websockets 10.0.1 server on Jetty 12, with the reference's API: {@code register}, {@code event},
 * {@code setAuth}, {@code of(namespace)}, {@code emit}, {@code closeNamespace}, {@code close}, plus
 * heartbeats and limits the reference lacks. The namespace of a connection is its URL path, verbatim.
 *
 * <pre>{@code
 * RpcServer server = new RpcServer(ServerOptions.builder().port(8080).build());
 * server.register("sum", (params, ctx) -> params.get(0).asDouble() + params.get(1).asDouble());
 * server.event("newsUpdate");
 * server.start();
 * server.emit("newsUpdate", "fox");
 * }</pre>
 */
public final class RpcServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RpcServer.class);
    /** The root namespace: connections to {@code ws://host:port/}. */
    public static final String ROOT = "/";
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    /** Threads at most, while handlers block (Jetty's default maximum). */
    private static final int MAX_THREADS = 200;

    private final ServerOptions options;
    /** The protocol's rules: connections read frames with it... */
    private final RequestProcessor processor;
    /** ...and process them through this (it, unless the package-private constructor wrapped it). */
    private final BiFunction<Incoming, Peer, CompletableFuture<JsonNode>> core;
    private final Metrics metrics;
    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final Server jetty;
    private final ElasticPool pool;
    private final Host host;
    private final LocalDelivery localDelivery;
    private EventDelivery delivery;
    /** The link to the other nodes, when a broker is configured. */
    private Broker broker;
    private volatile boolean draining;
    private ServerConnector wsConnector;
    private ServerConnector adminConnector;
    private ServerConnector tlsConnector;
    private Executor handlerExecutor;
    private HandshakeAuthenticator authenticator;
    private boolean tokenLogsIn;
    private UpgradePolicy upgradePolicy;

    /**
     * A server whose meters go to a Prometheus registry of its own, with JVM and process metrics, served by the
     * admin API's {@code /metrics}.
     *
     * @param options its settings
     */
    public RpcServer(ServerOptions options) {
        this(options, new Metrics(), UnaryOperator.identity());
    }

    /**
     * A server whose meters go to the application's registry (the admin API serves {@code /metrics} only when
     * it is a {@code PrometheusMeterRegistry}); JVM and process metrics are left to the application.
     *
     * @param options its settings
     * @param registry where the server's meters go
     */
    public RpcServer(ServerOptions options, MeterRegistry registry) {
        this(options, new Metrics(registry), UnaryOperator.identity());
    }

    /**
     * A seam for tests in this package, not API: connections reach the protocol core through {@code wrapCore}
     * applied to it, so a test can put a defect back around the core and prove that its checks find it
     * (the differential fuzzer's AuthBypassMutationTest reintroduces an authentication bypass this way).
     */
    RpcServer(ServerOptions options, UnaryOperator<BiFunction<Incoming, Peer, CompletableFuture<JsonNode>>> wrapCore) {
        this(options, new Metrics(), wrapCore);
    }

    private RpcServer(ServerOptions options, Metrics metrics, UnaryOperator<BiFunction<Incoming, Peer, CompletableFuture<JsonNode>>> wrapCore) {
        this.options = options;
        this.metrics = metrics;
        this.processor = new RequestProcessor(options.maxBatch());
        this.core = wrapCore.apply(processor::process);
        metrics.node(options.nodeId(), () -> draining);
        this.host = new Host();
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "rpcws-timers");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        this.scheduler = timers;
        this.pool = new ElasticPool(CORES, MAX_THREADS, scheduler);
        // No reserved threads: Jetty would otherwise hand every read to a parked spare thread and wake another
        // to replace it; measured, that cost about a sixth of the server's CPU per call (decision 0004). Jetty
        // keeps a reserve of capacity 0 all the same, which queues a thread to refill it on every failed try:
        // one needless pool task, and the wake-up of a parked thread, per read. So nothing is ever tried.
        ExecutorThreadPool jettyPool = new ExecutorThreadPool(pool, 0) {
            @Override public boolean tryExecute(Runnable task) {
                return false;
            }
        };
        jettyPool.setName("rpcws");
        this.jetty = new Server(jettyPool);
        this.handlerExecutor = pool;
        this.localDelivery = new LocalDelivery(this::subscribers, task -> handlerExecutor.execute(task), metrics.eventDelivery(), metrics.eventsDelivered());
        this.delivery = localDelivery;
        of(ROOT);
    }

    // ---- the reference's API ----

    /**
     * Registers a method in the root namespace.
     *
     * @param method its name
     * @param handler its code
     * @return the registration, to protect it or declare it non-blocking
     */
    public MethodRegistration register(String method, MethodHandler handler) {
        return of(ROOT).register(method, handler);
    }

    /**
     * Declares an event in the root namespace.
     *
     * @param event its name
     * @return the registration, to protect it
     */
    public Registration event(String event) {
        return of(ROOT).event(event);
    }

    /**
     * Installs the {@code rpc.login} handler of the root namespace: a connection logs in when it returns {@code true}.
     *
     * @param login the handler; it gets the login's params
     * @return its registration
     */
    public MethodRegistration setAuth(MethodHandler login) {
        return of(ROOT).register(Wire.LOGIN, login);
    }

    /**
     * The namespace of a URL path, created if needed.
     *
     * @param namespace the path, verbatim
     * @return the namespace
     */
    public Namespace of(String namespace) {
        Namespace ns = namespaces.computeIfAbsent(namespace, n -> new Namespace(n, this));
        ns.declare();
        return ns;
    }

    /**
     * A namespace if it exists, without creating it.
     *
     * @param namespace the path, verbatim
     * @return the namespace, or empty
     */
    public Optional<Namespace> find(String namespace) {
        return Optional.ofNullable(namespaces.get(namespace));
    }

    /**
     * Sends an event to its subscribers in every namespace that declared it. Exactly one object or array
     * argument becomes {@code params} itself; otherwise {@code params} is the array of arguments (the
     * reference's flattening rule).
     *
     * @param event the event's name
     * @param args its arguments (values Jackson can convert)
     * @return the number of connections of this node it was sent to
     */
    public int emit(String event, Object... args) {
        return deliver(Emission.toEveryNamespace(event, EventParams.forGlobalEmit(Namespace.nodes(args))));
    }

    /**
     * Forgets a namespace and closes its connections with 1000: the namespace is gone on purpose.
     *
     * @param namespace the path, verbatim
     */
    public void closeNamespace(String namespace) {
        Namespace ns = namespaces.remove(namespace);
        if (ns == null) return;
        for (RpcConnection c : List.copyOf(ns.connections())) c.close(Wire.CLOSE_NORMAL, "Namespace closed");
    }

    // ---- beyond the reference ----

    /**
     * What this server serves (its declared namespaces' methods and events, with their protection), for nodes
     * behind one load balancer to compare.
     *
     * @return the registrations of every declared namespace
     */
    public Registrations registrations() {
        TreeMap<String, Registrations.Served> served = new TreeMap<>();
        namespaces.forEach((name, ns) -> {
            if (ns.isDeclared()) served.put(name, ns.registrations());
        });
        return new Registrations(served);
    }

    /**
     * Routes every emit through {@code around} the in-process delivery, e.g. a broker that also delivers to and
     * from other nodes (see {@link dev.rpcws.server.events}). Set before {@link #start()}.
     *
     * @param around given the in-process delivery, returns the one to use
     * @return this server
     */
    public RpcServer eventDelivery(UnaryOperator<EventDelivery> around) {
        this.delivery = around.apply(localDelivery);
        return this;
    }

    // ---- life cycle ----

    /**
     * Runs method handlers; the default is the server's own pool, which Jetty's I/O shares and which grows while
     * handlers block. An executor of the application's runs every handler, declared non-blocking or not. Set
     * before {@link #start()}.
     *
     * @param executor where handlers run
     * @return this server
     */
    public RpcServer handlerExecutor(Executor executor) {
        this.handlerExecutor = executor;
        return this;
    }

    /**
     * Authenticates every upgrade: {@code authenticator} returns an identity or refuses with 401. With
     * {@code logsIn}, an authenticated connection counts as logged in for protected methods and events.
     * Set before {@link #start()}.
     *
     * @param authenticator decides each upgrade
     * @param logsIn whether an authenticated connection counts as logged in
     * @return this server
     */
    public RpcServer authenticateHandshakes(HandshakeAuthenticator authenticator, boolean logsIn) {
        this.authenticator = authenticator;
        this.tokenLogsIn = logsIn;
        return this;
    }

    /**
     * Binds the connectors and starts serving.
     *
     * @return this server
     * @throws Exception when a port cannot be bound ({@code IOException}) or the TLS key store cannot be read
     *     ({@link IllegalArgumentException})
     */
    public RpcServer start() throws Exception {
        if (options.broker() != null) {
            broker = Broker.redis(options.broker(), options.nodeId(), this::registrations, delivery, scheduler, metrics.registry(),
                    metrics::histogram);
            delivery = broker;
        }
        upgradePolicy = new UpgradePolicy(options.allowedOrigins(), options.allowMissingOrigin(), options.maxConnections(),
                authenticator, tokenLogsIn);
        wsConnector = connector("ws", options.host(), options.port());
        if (options.tls() != null) tlsConnector = tlsConnector(options.tls());
        ContextHandler ws = new ContextHandler(ROOT);
        ws.setVirtualHosts(tlsConnector == null ? List.of("@ws") : List.of("@ws", "@wss"));
        // Jetty's core WebSocket API: connections are frame handlers that keep nothing of their upgrade request.
        WebSocketUpgradeHandler upgrade = new WebSocketUpgradeHandler(WebSocketServerComponents.ensureWebSocketComponents(jetty, ws));
        Configuration config = upgrade.getConfiguration();
        config.setMaxTextMessageSize(options.maxMessageBytes());
        config.setMaxBinaryMessageSize(options.maxMessageBytes());
        config.setIdleTimeout(options.idleTimeout());
        // Jetty's default read buffer is 4 KiB per connection; rpc-websockets messages are mostly far smaller.
        config.setInputBufferSize(RpcConnection.INPUT_BUFFER_BYTES);
        upgrade.addMapping("/*", this::upgrade);
        upgrade.setHandler(new UpgradeRequired());
        ws.setHandler(upgrade);
        ContextHandlerCollection contexts = new ContextHandlerCollection(ws);
        if (options.adminPort() >= 0) {
            adminConnector = connector("admin", options.adminHost(), options.adminPort());
            ContextHandler admin = new ContextHandler(ROOT);
            admin.setVirtualHosts(List.of("@admin"));
            admin.setHandler(new AdminApi(new Admin(), new AdminAuth(options.adminToken())));
            contexts.addHandler(admin);
        }
        jetty.setHandler(contexts);
        jetty.setStopTimeout(1000);
        // Jetty's acceptors and selectors hold their threads for good; the work shares one more per core.
        int held = 0;
        for (Connector c : jetty.getConnectors()) {
            ServerConnector sc = (ServerConnector) c;
            held += sc.getAcceptors() + sc.getSelectorManager().getSelectorCount();
        }
        pool.floor(held + CORES);
        jetty.start();
        return this;
    }

    /** {@return the WebSocket port (the chosen one when configured as 0)} */
    public int port() {
        return wsConnector.getLocalPort();
    }

    /** {@return the TLS ({@code wss://}) port, or -1 without TLS} */
    public int tlsPort() {
        return tlsConnector == null ? -1 : tlsConnector.getLocalPort();
    }

    /** {@return the admin API's port, or -1 when it is disabled} */
    public int adminPort() {
        return adminConnector == null ? -1 : adminConnector.getLocalPort();
    }

    /**
     * Takes this node out of service gently, for a rolling restart behind a load balancer: /health answers 503 at
     * once (the balancer stops sending new connections), new upgrades are refused with 503, and the open
     * connections are closed with 1001 one after another over {@code window}, so their clients do not all come
     * back at the same moment. Emits still reach the connections not closed yet. Completes once every connection
     * is closed (at the latest shortly after the window); then {@link #close()} the server. The CLI drains on
     * SIGTERM over {@code --drain-window}.
     *
     * @param window the time over which the open connections are closed
     * @return completes once every connection is closed
     */
    public CompletableFuture<Void> drain(Duration window) {
        draining = true;
        upgradePolicy.drain();
        List<RpcConnection> open = new ArrayList<>();
        for (Namespace ns : namespaces.values()) open.addAll(ns.connections());
        LOG.info("draining: /health answers 503, upgrades are refused, {} open connections close with 1001 over {} ms",
                open.size(), window.toMillis());
        List<CompletableFuture<Void>> closing = new ArrayList<>(open.size());
        for (int i = 0; i < open.size(); i++) {
            RpcConnection c = open.get(i);
            CompletableFuture<Void> closed = new CompletableFuture<>();
            closing.add(closed);
            // The i-th of n connections at i/n of the window: the first at once, the last one step before its end.
            long delayNanos = window.toNanos() / open.size() * i;
            scheduler.schedule(() -> c.close(Wire.CLOSE_GOING_AWAY, "Server draining").whenComplete((v, e) -> closed.complete(null)),
                    delayNanos, TimeUnit.NANOSECONDS);
        }
        return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, window.plus(Wire.CLOSE_GRACE).toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@return whether {@link #drain} was called} */
    public boolean isDraining() {
        return draining;
    }

    /** Closes every connection with 1001 (JS clients reconnect), then stops. */
    @Override public void close() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (Namespace ns : namespaces.values()) {
            for (RpcConnection c : List.copyOf(ns.connections())) closing.add(c.close(Wire.CLOSE_GOING_AWAY, "Server shutting down"));
        }
        // Stopping Jetty right away could cut the close frames off (clients would see 1006, not 1001).
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(Wire.CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("not every close frame went out before the stop: {}", e.toString());
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            // Idle keep-alive HTTP connections outlast the graceful phase; Jetty then stops the rest anyway.
            if (!(e instanceof TimeoutException || e.getCause() instanceof TimeoutException)) throw new IllegalStateException("Jetty did not stop", e);
            LOG.debug("Jetty stopped after its graceful timeout: {}", e.toString());
        } finally {
            delivery.close();
            scheduler.shutdownNow();
            metrics.close();
        }
    }

    /** {@return the server's meters} */
    public Metrics metrics() {
        return metrics;
    }

    /** The server's own pool, for tests that count its tasks. */
    ElasticPool pool() {
        return pool;
    }

    /** {@return the options it was made with} */
    public ServerOptions options() {
        return options;
    }

    // ---- internals shared with namespaces ----

    /** Every emit ends here: the one event delivery decides who receives it. */
    int deliver(Emission emission) {
        return delivery.emit(emission);
    }

    /** Namespaces that a connection created and nothing declared are dropped with their last connection. */
    void forgetIfUnused(Namespace ns) {
        if (!ns.isDeclared() && ns.isEmpty() && ns.connections().isEmpty()) namespaces.remove(ns.name(), ns);
    }

    /** Who an emission reaches on this node: for {@link LocalDelivery}. */
    private List<Subscribers> subscribers(Emission emission) {
        if (!emission.everyNamespace()) {
            Namespace ns = namespaces.get(emission.namespace());
            Subscribers subscribers = ns == null ? null : ns.subscribers(emission.event());
            return subscribers == null ? List.of() : List.of(subscribers);
        }
        List<Subscribers> all = new ArrayList<>();
        for (Namespace ns : namespaces.values()) {
            Subscribers subscribers = ns.subscribers(emission.event());
            if (subscribers != null) all.add(subscribers);
        }
        return all;
    }

    private ServerConnector connector(String name, String host, int port) {
        // WebSocket reads on the selector thread (decision 0013); the admin API is plain HTTP, as Jetty makes it.
        ServerConnector c = name.equals("ws") ? new SelectorReads(jetty, pool) : new ServerConnector(jetty);
        c.setName(name);
        c.setHost(host);
        c.setPort(port);
        jetty.addConnector(c);
        return c;
    }

    /** TLS 1.3 and 1.2 only, from a key store; the same handlers as the plain connector. */
    private ServerConnector tlsConnector(ServerOptions.Tls tls) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keyStore(tls));
        ssl.setKeyStorePassword(tls.password());
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        HttpConfiguration https = new HttpConfiguration();
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false); // clients dial 127.0.0.1 or a name the certificate need not list first
        https.addCustomizer(secure);
        ServerConnector c = new ServerConnector(jetty, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
        c.setName("wss");
        c.setHost(options.host());
        c.setPort(tls.port());
        jetty.addConnector(c);
        return c;
    }

    /** Reads the key store here, so that a missing file or a wrong password fails {@link #start()} saying so. */
    private static KeyStore keyStore(ServerOptions.Tls tls) {
        try (InputStream in = Files.newInputStream(tls.keyStore())) {
            KeyStore keyStore = KeyStore.getInstance(tls.type());
            keyStore.load(in, tls.password().toCharArray());
            return keyStore;
        } catch (IOException | GeneralSecurityException e) {
            String why = e instanceof NoSuchFileException ? "no such file"
                    : e.getMessage() != null ? e.getMessage() : "not a " + tls.type() + " key store";
            throw new IllegalArgumentException("cannot read the TLS key store " + tls.keyStore() + " (" + tls.type() + "): " + why, e);
        }
    }

    private FrameHandler upgrade(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        Fields query = Request.extractQueryParameters(request);
        UpgradePolicy.Verdict verdict = upgradePolicy.check(request, query);
        if (!verdict.admitted()) {
            metrics.upgradeRefused(verdict.refusal());
            verdict.refusal().answer(request, response, callback);
            return null;
        }
        // Browsers fail the handshake unless one offered subprotocol is echoed; the reference echoes the first.
        List<String> offered = request.getSubProtocols();
        if (!offered.isEmpty()) response.setAcceptedSubProtocol(offered.get(0));
        // Compression costs more CPU than it saves on small JSON frames; the reference declines it too.
        if (!options.perMessageDeflate()) response.setExtensions(new ArrayList<>());
        String path = request.getHttpURI().getPath();
        if (path == null || path.isEmpty()) path = ROOT;
        String socketId = query.getValue("socket_id");
        if (socketId == null || socketId.isEmpty()) socketId = UUID.randomUUID().toString();
        Namespace ns = namespaces.computeIfAbsent(path, n -> new Namespace(n, this));
        return new RpcConnection(host, ns.view(), socketId, verdict.identity(), verdict.loggedIn());
    }

    /** The server as its connections see it. */
    private final class Host implements ConnectionHost {
        private final Limits limits = new Limits(options.maxInFlight(), options.maxQueuedBytes(), options.maxFailedLogins(),
                options.pingInterval(), options.pongTimeout());

        /** The server's own pool runs a frame task on the thread that read its messages, once that read returns... */
        private final Executor afterRead = task -> pool.executeAfterCurrent(task);
        /** ...and one that may block the same way, unless that thread is a selector (decision 0014). */
        private final Executor offSelector = task -> pool.executeOffSelector(task);

        @Override public Incoming read(String message, Peer peer) { return processor.read(message, peer); }
        @Override public CompletableFuture<JsonNode> process(Incoming message, Peer peer) { return core.apply(message, peer); }
        @Override public Executor handlerExecutor() { return handlerExecutor == pool ? offSelector : handlerExecutor; }
        @Override public Executor nonBlockingExecutor() { return handlerExecutor == pool ? afterRead : handlerExecutor; }
        @Override public ScheduledExecutorService scheduler() { return scheduler; }
        @Override public Limits limits() { return limits; }
        @Override public void opened(boolean compressed) { metrics.connectionOpened(compressed); }

        @Override public void closed() {
            metrics.connectionClosed();
            upgradePolicy.release();
        }

        @Override public void closeCompleted(int code) { metrics.closeCompleted(code); }

        @Override public void frameReceived() { metrics.frameReceived(); }
        @Override public void replied(JsonNode reply) { metrics.replied(reply); }
        @Override public void pingSent() { metrics.pingSent(); }
        @Override public void pongReceived() { metrics.pongReceived(); }
        @Override public void evicted(String reason) { metrics.evicted(reason); }
    }

    /** The server as the admin API sees it. */
    private final class Admin implements AdminView {
        /** Until the server drains. */
        @Override public boolean healthy() {
            return !draining;
        }

        @Override public ObjectNode health() {
            ObjectNode json = Json.object();
            json.put("node", options.nodeId());
            json.put("draining", draining);
            if (broker != null) json.set("broker", broker.health());
            return json;
        }

        @Override public String metrics() {
            return metrics.prometheus();
        }

        @Override public List<String> connections(String namespace) {
            return find(namespace == null ? ROOT : namespace).map(Namespace::connected).orElse(List.of());
        }

        @Override public void emit(String event, List<JsonNode> args) {
            deliver(Emission.toEveryNamespace(event, EventParams.forGlobalEmit(args)));
        }

        @Override public void emit(String namespace, String event, List<JsonNode> args) {
            of(namespace).emit(event, args.toArray());
        }
    }

    /** A plain HTTP request on the WebSocket port: what the reference's {@code ws} answers. */
    private static final class UpgradeRequired extends Handler.Abstract {
        @Override public boolean handle(Request request, Response response, Callback callback) {
            Response.writeError(request, response, callback, HttpStatus.UPGRADE_REQUIRED_426, "Upgrade Required");
            return true;
        }
    }
}
