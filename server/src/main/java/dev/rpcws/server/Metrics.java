package dev.rpcws.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.CallContext;
import dev.rpcws.protocol.MethodHandler;
import dev.rpcws.server.security.UpgradePolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.distribution.pause.NoPauseDetector;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The server's meters, in a Micrometer {@link MeterRegistry}: its own Prometheus registry (with JVM and process
 * metrics) unless the application passed one to {@link RpcServer#RpcServer(ServerOptions, MeterRegistry)}. The
 * admin API's {@code /metrics} renders a Prometheus registry in the Prometheus text format. Names and labels are in
 * the README ("Metrics").
 *
 * <p>Per frame and per call the server only increments meters it resolved before: counters at construction, a
 * method's timer when the method is registered. So an unknown method name from a client creates no series, and
 * the hot path does no lookup beyond the one the old hand-written counters did (an error's code).
 */
public final class Metrics implements AutoCloseable {
    /** Bucket bounds of both histograms: from a fast local call to a handler that waits for seconds. */
    private static final Duration[] BUCKETS = {
            Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
            Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};
    /** Eviction reasons the server itself uses, so that their series exist (at 0) before the first eviction. */
    private static final List<String> EVICTIONS = List.of("failed_logins", "ping_timeout", "slow_consumer");
    /** Close codes 1000..1015 (RFC 6455 and the IANA registry) have their own series; others count as "other". */
    private static final int FIRST_CODE = 1000;
    private static final int CODES = 16;

    private final MeterRegistry registry;
    private final AutoCloseable jvm;
    private final AtomicLong open = new AtomicLong();
    private final Counter opened;
    private final Counter compressed;
    private final Counter frames;
    private final Counter calls;
    private final Counter events;
    private final Counter pings;
    private final Counter pongs;
    private final Timer delivery;
    private final Map<UpgradePolicy.Refusal, Counter> refusals = new EnumMap<>(UpgradePolicy.Refusal.class);
    private final Map<Integer, Counter> errors = new ConcurrentHashMap<>();
    private final Map<String, Counter> evictions = new ConcurrentHashMap<>();
    private final Counter[] closeCodes = new Counter[CODES + 1]; // filled as codes occur; the last is "other"

    /** Meters in a Prometheus registry of their own, with JVM and process metrics. */
    Metrics() {
        this(ownRegistry(), true);
    }

    /**
     * Without Micrometer's pause detector, which adds samples for JVM pauses to every timer (for load generators
     * that suffer coordinated omission, not for a server timing its own handlers) at a cost on every record.
     */
    private static PrometheusMeterRegistry ownRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().pauseDetector(new NoPauseDetector());
        return registry;
    }

    /** Meters in the application's registry; JVM and process metrics are the application's business there. */
    Metrics(MeterRegistry registry) {
        this(registry, false);
    }

    private Metrics(MeterRegistry registry, boolean own) {
        this.registry = registry;
        this.jvm = own ? bindJvm(registry) : () -> { };
        Gauge.builder("rpcws.connections", open, AtomicLong::get).description("Open WebSocket connections.")
                .strongReference(true).register(registry);
        opened = counter("rpcws.connections.opened", "WebSocket connections accepted.");
        compressed = counter("rpcws.connections.compressed", "WebSocket connections that negotiated permessage-deflate.");
        frames = counter("rpcws.frames.received", "Messages received (text and binary).");
        calls = counter("rpcws.calls", "Calls answered with a result.");
        events = counter("rpcws.events.delivered", "Event notifications sent to subscribers.");
        pings = counter("rpcws.pings.sent", "Heartbeat pings sent.");
        pongs = counter("rpcws.pongs.received", "Pongs received.");
        delivery = histogram(Timer.builder("rpcws.event.delivery")
                .description("Time from an emit until its frame was queued on every subscriber's connection on this node."));
        for (UpgradePolicy.Refusal why : UpgradePolicy.Refusal.values()) {
            refusals.put(why, why == UpgradePolicy.Refusal.TOO_MANY_CONNECTIONS
                    ? counter("rpcws.connections.refused", "Upgrades refused at the connection limit.")
                    : Counter.builder("rpcws.upgrades.refused").tag("reason", why.name().toLowerCase(Locale.ROOT))
                            .description("Upgrades refused by the origin allow-list or the handshake authenticator.").register(registry));
        }
        EVICTIONS.forEach(this::eviction);
    }

    // ---- for meters of other parts (a broker, the application) ----

    /** {@return the registry the server's meters are in; other parts of the server register theirs here too} */
    public MeterRegistry registry() {
        return registry;
    }

    /** {@return the open WebSocket connections} */
    public long openConnections() {
        return open.get();
    }

    /** {@return the meters in the Prometheus text format, or {@code null} when the registry is not a Prometheus one} */
    public String prometheus() {
        return registry instanceof PrometheusMeterRegistry prometheus ? prometheus.scrape() : null;
    }

    /** Stops the JVM metrics of the server's own registry (they hold listeners on the garbage collectors). */
    @Override public void close() {
        try {
            jvm.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- what the server records ----

    /** This node: its id as the label of {@code rpcws_node_info} (always 1), and {@code rpcws_draining}. */
    void node(String nodeId, BooleanSupplier draining) {
        Gauge.builder("rpcws.node.info", () -> 1).tag("node_id", nodeId).description("This node's id (--node-id), as a label.")
                .strongReference(true).register(registry);
        Gauge.builder("rpcws.draining", draining, d -> d.getAsBoolean() ? 1 : 0)
                .description("1 once the server drains (health 503, upgrades refused), else 0.").strongReference(true).register(registry);
    }

    void connectionOpened(boolean compressedConnection) {
        open.incrementAndGet();
        opened.increment();
        if (compressedConnection) compressed.increment();
    }

    void connectionClosed() { open.decrementAndGet(); }

    /** The WebSocket close completed with this code (1006: the socket was lost without one). */
    void closeCompleted(int code) {
        int slot = code >= FIRST_CODE && code < FIRST_CODE + CODES ? code - FIRST_CODE : CODES;
        Counter c = closeCodes[slot];
        if (c == null) { // racing threads register the same meter: the registry returns one instance
            c = Counter.builder("rpcws.connections.closed").tag("code", slot == CODES ? "other" : Integer.toString(code))
                    .description("Connections closed, by close code (1006: lost without a close frame).").register(registry);
            closeCodes[slot] = c;
        }
        c.increment();
    }

    void frameReceived() { frames.increment(); }
    void pingSent() { pings.increment(); }
    void pongReceived() { pongs.increment(); }
    void upgradeRefused(UpgradePolicy.Refusal why) { refusals.get(why).increment(); }

    void evicted(String reason) {
        eviction(reason).increment();
    }

    /** Counts each response of a reply (one, or each element of a batch reply) as a success or an error by code. */
    void replied(JsonNode reply) {
        if (reply.isArray()) reply.forEach(this::replied);
        else if (reply.has("error")) {
            JsonNode code = reply.get("error").get("code");
            errors.computeIfAbsent(code != null && code.isInt() ? code.intValue() : 0, c -> Counter.builder("rpcws.errors")
                    .tag("code", Integer.toString(c)).description("Error responses sent, by JSON-RPC code (0: a bare error value).")
                    .register(registry)).increment();
        } else calls.increment();
    }

    /** Event notifications sent, counted once per emit: for {@code LocalDelivery}. */
    Counter eventsDelivered() {
        return events;
    }

    /** The time from an emit until its frame was queued for the last subscriber on this node: for {@code LocalDelivery}. */
    Timer eventDelivery() {
        return delivery;
    }

    /**
     * A method's handler that records its duration (until it returns, or until its {@code CompletionStage}
     * completes) in the method's own timer, resolved here, once, when the method is registered.
     */
    MethodHandler timed(String namespace, String method, MethodHandler handler) {
        Timer timer = histogram(Timer.builder("rpcws.call.duration").tag("namespace", namespace).tag("method", method)
                .description("Time a method's handler took: until it returned, or its asynchronous result completed."));
        return new TimedHandler(handler, timer);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    private Counter eviction(String reason) {
        return evictions.computeIfAbsent(reason, r -> Counter.builder("rpcws.evictions").tag("reason", r)
                .description("Connections closed by the server, by reason.").register(registry));
    }

    /** {@return the timer registered in the server's registry with the server's histogram buckets (the broker's too)} */
    Timer histogram(Timer.Builder builder) {
        return builder.serviceLevelObjectives(BUCKETS).register(registry);
    }

    private static AutoCloseable bindJvm(MeterRegistry registry) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return gc;
    }

    private record TimedHandler(MethodHandler handler, Timer timer) implements MethodHandler {
        @Override public Object handle(JsonNode params, CallContext context) throws Exception {
            long start = System.nanoTime();
            Object result;
            try {
                result = handler.handle(params, context);
            } catch (Exception | Error e) {
                record(start);
                throw e;
            }
            if (result instanceof CompletionStage<?> stage) stage.whenComplete((value, failure) -> record(start));
            else record(start);
            return result;
        }

        private void record(long start) {
            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}
