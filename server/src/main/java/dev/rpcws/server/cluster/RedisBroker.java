package dev.rpcws.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.Json;
import dev.rpcws.server.events.Emission;
import dev.rpcws.server.events.EventDelivery;
import dev.rpcws.server.events.Registrations;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The broker on Redis pub/sub through Lettuce (docs/decisions/0011-redis-broker.md).
 *
 * <p>Two connections: one publishes (the emits of this node, in emit order, each encoded once into an
 * {@link Envelope}), one subscribes to the cluster's two channels, {@code rpcws:<db>:events} and
 * {@code rpcws:<db>:nodes} (registrations digests). Nothing here blocks on Redis: publishes are asynchronous,
 * commands are rejected at once while disconnected, at most {@link #MAX_UNACKNOWLEDGED} publishes wait for
 * Redis, and every emit that does not reach Redis is counted. Received messages leave Lettuce's I/O thread at
 * once for one inbound thread, which hands them to local delivery one after another, in the order Redis sent
 * them. Lettuce reconnects and re-subscribes by itself; this class only watches.
 */
final class RedisBroker implements Broker {
    private static final Logger LOG = LoggerFactory.getLogger(RedisBroker.class);
    /** Publishes waiting for Redis's answer; beyond it Redis is not keeping up (or frozen) and emits are lost. */
    static final int MAX_UNACKNOWLEDGED = 10_000;
    /** Messages received and not yet delivered here; beyond it this node is too far behind and drops them. */
    static final int MAX_INBOUND = 100_000;
    /** Publishers remembered for duplicate and gap detection (a node restart is a new publisher). */
    private static final int MAX_PUBLISHERS = 1024;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration RETRY_FIRST_CONNECT = Duration.ofSeconds(1);
    private static final Duration BYE_WAIT = Duration.ofMillis(500);
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final BrokerAddress address;
    private final String node;
    private final String boot = UUID.randomUUID().toString().substring(0, 8);
    private final Supplier<Registrations> registrations;
    private final EventDelivery local;
    private final ScheduledExecutorService scheduler;
    private final String eventsChannel;
    private final String nodesChannel;
    /** The first bytes of this node's own messages, which come back from Redis and are ignored. */
    private final byte[] ownPrefix;
    private final BrokerMetrics metrics;
    private final Peers peers;
    private final Outage outage;
    private final ClientResources resources;
    private final RedisURI uri;
    private final RedisClient client;
    private final ThreadPoolExecutor inbound;
    private final ScheduledFuture<?> heartbeat;

    private volatile StatefulRedisConnection<String, byte[]> publisher;
    private volatile StatefulRedisPubSubConnection<String, byte[]> subscriber;
    private volatile boolean publisherConnected;
    private volatile boolean subscribed;
    private volatile boolean closed;
    private final AtomicInteger unacknowledged = new AtomicInteger();
    private final AtomicBoolean behind = new AtomicBoolean();
    /** Unreadable messages are logged once, not per message. */
    private final AtomicBoolean unreadableReported = new AtomicBoolean();
    /** Guards {@link #seq}: sequence numbers follow publish order. */
    private final Object publishLock = new Object();
    private long seq;
    /** Last sequence number per publisher ({@code node/boot}); touched by the inbound thread only. */
    private final Map<String, Long> lastSeq = new LinkedHashMap<>(16, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_PUBLISHERS;
        }
    };

    RedisBroker(BrokerAddress address, String node, Supplier<Registrations> registrations, EventDelivery local,
                ScheduledExecutorService scheduler, MeterRegistry registry,
                Function<Timer.Builder, Timer> histogram) {
        this.address = address;
        this.node = node;
        this.registrations = registrations;
        this.local = local;
        this.scheduler = scheduler;
        this.eventsChannel = "rpcws:" + address.database() + ":events";
        this.nodesChannel = "rpcws:" + address.database() + ":nodes";
        this.ownPrefix = Envelope.prefix(node, boot);
        this.peers = new Peers(node, boot, System::nanoTime);
        this.metrics = new BrokerMetrics(registry, histogram, this::serving, unacknowledged::get, peers::size,
                () -> peers.mismatch(registrations.get().digest()));
        this.outage = new Outage(address, node, () -> (long) metrics.lostEmits.count());
        this.inbound = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_INBOUND), r -> {
            Thread t = new Thread(r, "rpcws-broker-inbound");
            t.setDaemon(true);
            return t;
        }, (task, executor) -> {
            if (!executor.isShutdown()) dropInbound();
        });
        // Two I/O threads (one per connection) and two for Lettuce's own timers: the broker is light work.
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        this.uri = RedisURI.builder().withHost(address.host()).withPort(address.port()).withDatabase(address.database()).build();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                // No command timeout: a publish Redis has not answered stays counted in `unacknowledged`, which is
                // the bound; with a timeout, Lettuce would keep the timed-out commands and let more in.
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
                .build());
        client.addListener(new ConnectionWatch());
        connectPublisher();
        connectSubscriber();
        this.heartbeat = scheduler.scheduleWithFixedDelay(this::heartbeat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---- emits of this node ----

    @Override public int emit(Emission emission) {
        int sent = local.emit(emission);
        publish(emission);
        return sent;
    }

    private void publish(Emission emission) {
        StatefulRedisConnection<String, byte[]> p = publisher;
        if (p == null || !publisherConnected) {
            metrics.lostEmits.increment();
            return;
        }
        if (unacknowledged.incrementAndGet() > MAX_UNACKNOWLEDGED) {
            unacknowledged.decrementAndGet();
            metrics.lostEmits.increment();
            outage.stalled(MAX_UNACKNOWLEDGED);
            return;
        }
        long emitted = nowMicros();
        byte[] encoded = Json.writeBytes(emission.toJson());
        RedisFuture<Long> sent;
        synchronized (publishLock) {
            sent = p.async().publish(eventsChannel, Envelope.encode(ownPrefix, ++seq, emitted, encoded));
        }
        sent.whenComplete((receivers, failure) -> {
            int waiting = unacknowledged.decrementAndGet();
            if (failure == null) metrics.published.increment();
            else metrics.publishFailures.increment();
            if (waiting < MAX_UNACKNOWLEDGED / 2) outage.answering();
        });
    }

    // ---- messages from Redis ----

    private final class Messages extends RedisPubSubAdapter<String, byte[]> {
        /** On Lettuce's I/O thread: never block here, never deliver here. */
        @Override public void message(String channel, byte[] message) {
            if (startsWith(message, ownPrefix)) return;
            if (channel.equals(eventsChannel)) inbound.execute(() -> deliver(message));
            else if (channel.equals(nodesChannel)) inbound.execute(() -> nodeMessage(message));
        }

        @Override public void subscribed(String channel, long count) {
            if (count < 2) return;
            subscribed = true;
            changed();
            // Peers answer with their digests: a node that joins (or comes back) learns who serves what at once.
            inbound.execute(() -> announce("hello"));
        }
    }

    /** On the inbound thread: one emission of another node to this node's subscribers. */
    private void deliver(byte[] message) {
        behind.set(false);
        Envelope e;
        try {
            e = Envelope.fromBytes(message);
        } catch (IllegalArgumentException bad) {
            unreadable(eventsChannel, bad.getMessage());
            return;
        }
        String publisherKey = e.node() + "/" + e.boot();
        Long last = lastSeq.get(publisherKey);
        if (last != null && e.seq() <= last) {
            metrics.duplicates.increment();
            return;
        }
        if (last != null && e.seq() > last + 1) metrics.missed.increment(e.seq() - last - 1);
        lastSeq.put(publisherKey, e.seq());
        metrics.received.increment();
        metrics.latency(nowMicros() - e.emittedMicros());
        metrics.remoteDeliveries.increment(local.emit(e.emission()));
    }

    /** On the inbound thread: a hello, heartbeat or goodbye of another node. */
    private void nodeMessage(byte[] message) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(message);
        } catch (IOException bad) {
            json = null;
        }
        if (json == null || !json.path("node").isTextual() || !json.path("boot").isTextual() || !json.path("type").isTextual()) {
            unreadable(nodesChannel, "not a node message");
            return;
        }
        String peer = json.get("node").textValue();
        String type = json.get("type").textValue();
        if (type.equals("bye")) {
            peers.left(peer, json.get("boot").textValue());
            return;
        }
        if (!json.path("digest").isTextual()) return;
        peers.heard(peer, json.get("boot").textValue(), json.get("digest").textValue(), registrations.get().digest());
        if (type.equals("hello")) announce("digest");
    }

    /** Publishes a node message of this node: {@code hello} (answer me), {@code digest} (heartbeat) or {@code bye}. */
    private RedisFuture<Long> announce(String type) {
        StatefulRedisConnection<String, byte[]> p = publisher;
        // Nothing more for a Redis that does not answer: what waits for it is bounded by the emits alone.
        if (p == null || !publisherConnected || unacknowledged.get() >= MAX_UNACKNOWLEDGED) return null;
        ObjectNode json = Json.object();
        json.put("v", Envelope.VERSION);
        json.put("node", node);
        json.put("boot", boot);
        json.put("type", type);
        if (!type.equals("bye")) json.put("digest", registrations.get().digest());
        return p.async().publish(nodesChannel, Json.writeBytes(json));
    }

    /** Tells the peers this node leaves, so their /health forgets it at once (waits a moment for Redis). */
    private void bye() {
        var sent = announce("bye");
        if (sent == null) return;
        try {
            sent.get(BYE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.debug("the goodbye to the peers did not go out: {}", e.toString());
        }
    }

    private void heartbeat() {
        peers.expire();
        announce("digest");
    }

    /**
     * A message this node cannot read: another program publishing on the cluster's channels, or an emit whose
     * params hold a lone surrogate in a member name, which Jackson does not read (deviation D13).
     */
    private void unreadable(String channel, String why) {
        metrics.unreadable.increment();
        if (unreadableReported.compareAndSet(false, true)) {
            LOG.warn("ignoring messages on {} this node cannot read (said once; counted in rpcws_broker_unreadable_total): {}", channel, why);
        }
    }

    private void dropInbound() {
        metrics.inboundDropped.increment();
        if (behind.compareAndSet(false, true)) {
            LOG.warn("this node is {} messages behind delivering emits of other nodes: dropping them until it catches up "
                    + "(rpcws_broker_inbound_dropped_total)", MAX_INBOUND);
        }
    }

    // ---- connections ----

    private void connectPublisher() {
        connect(() -> client.connectAsync(CODEC, uri), c -> {
            publisher = c;
            publisherConnected = true;
            changed();
        });
    }

    private void connectSubscriber() {
        connect(() -> client.connectPubSubAsync(CODEC, uri), c -> {
            subscriber = c;
            c.addListener(new Messages());
            c.async().subscribe(eventsChannel, nodesChannel);
        });
    }

    /** Opens a connection in the background, retrying until it succeeds (or the broker closes). */
    private <C extends StatefulConnection<?, ?>> void connect(Supplier<? extends CompletionStage<C>> opening, Consumer<C> opened) {
        opening.get().whenComplete((c, failure) -> {
            if (failure != null) retry(() -> connect(opening, opened), failure);
            else if (closed) c.closeAsync();
            else opened.accept(c);
        });
    }

    /** Lettuce retries only connections that once succeeded: the first connect is retried here until it does. */
    private void retry(Runnable connect, Throwable failure) {
        if (closed) return;
        outage.cannotConnect(failure);
        try {
            scheduler.schedule(connect, RETRY_FIRST_CONNECT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the server is closing
        }
    }

    /** Lettuce tells connects and disconnects of both connections here (on its I/O threads). */
    private final class ConnectionWatch implements RedisConnectionStateListener {
        @Override public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
            if (!(connection instanceof StatefulRedisPubSubConnection) && connection == publisher) {
                publisherConnected = true;
                changed();
            }
            // The subscriber counts as up once it has subscribed again (Messages.subscribed).
        }

        @Override public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (connection instanceof StatefulRedisPubSubConnection) subscribed = false;
            else publisherConnected = false;
            changed();
        }
    }

    private void changed() {
        if (closed) return;
        if (isUp()) {
            if (outage.up()) metrics.reconnects.increment();
        } else {
            outage.down(publisherConnected ? "subscription lost" : "connection lost");
        }
    }

    @Override public boolean isUp() {
        return publisherConnected && subscribed;
    }

    /** Up, and answering: what /health and {@code rpcws_broker_up} report. */
    private boolean serving() {
        return outage.state().equals("up");
    }

    // ---- what /health and /metrics say ----

    @Override public ObjectNode health() {
        ObjectNode json = Json.object();
        String digest = registrations.get().digest();
        json.put("state", outage.state());
        json.put("address", address.toString());
        json.put("digest", digest);
        json.set("peers", peers.toJson());
        json.put("mismatch", peers.mismatch(digest));
        return json;
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        bye();
        heartbeat.cancel(false);
        inbound.shutdownNow();
        StatefulRedisConnection<String, byte[]> p = publisher;
        StatefulRedisPubSubConnection<String, byte[]> s = subscriber;
        if (s != null) s.close();
        if (p != null) p.close();
        client.shutdown(Duration.ZERO, CONNECT_TIMEOUT);
        resources.shutdown(0, CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return ChronoUnit.MICROS.between(Instant.EPOCH, now);
    }

    private static boolean startsWith(byte[] message, byte[] prefix) {
        return message.length >= prefix.length && Arrays.equals(message, 0, prefix.length, prefix, 0, prefix.length);
    }
}
