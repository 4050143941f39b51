package dev.rpcws.server.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * The broker's meters, in the server's registry (README "Cluster" lists their Prometheus names). The latency
 * histogram is the time from the emit on the publishing node to the hand-off to local delivery here, by the two
 * nodes' wall clocks: meaningful on one machine or with synchronised clocks.
 */
final class BrokerMetrics {
    final Counter published;
    final Counter publishFailures;
    final Counter lostEmits;
    final Counter received;
    final Counter remoteDeliveries;
    final Counter missed;
    final Counter duplicates;
    final Counter inboundDropped;
    final Counter unreadable;
    final Counter reconnects;
    private final Timer latency;

    /**
     * @param registry       the server's registry
     * @param histogram      registers a timer there with the server's histogram buckets
     * @param up             connected, subscribed and answered
     * @param unacknowledged publishes waiting for Redis
     * @param peers          other nodes heard from lately
     * @param mismatch       some peer serves other registrations
     */
    BrokerMetrics(MeterRegistry registry, Function<Timer.Builder, Timer> histogram, BooleanSupplier up, IntSupplier unacknowledged, IntSupplier peers, BooleanSupplier mismatch) {
        published = counter(registry, "rpcws.broker.published", "Emits published to the broker and acknowledged by it.");
        publishFailures = counter(registry, "rpcws.broker.publish.failures",
                "Publishes that failed on their way to the broker (other nodes missed these emits).");
        lostEmits = counter(registry, "rpcws.broker.lost.emits",
                "Emits not published because the broker was unreachable or not answering (other nodes missed these emits).");
        received = counter(registry, "rpcws.broker.received", "Emits of other nodes received from the broker.");
        remoteDeliveries = counter(registry, "rpcws.broker.remote.deliveries",
                "Event notifications sent to this node's subscribers for emits of other nodes.");
        missed = counter(registry, "rpcws.broker.missed", "Emits of other nodes this node never received (gaps in their sequence numbers).");
        duplicates = counter(registry, "rpcws.broker.duplicates", "Emits received twice (a publish re-sent after a reconnect) and ignored.");
        inboundDropped = counter(registry, "rpcws.broker.inbound.dropped",
                "Emits of other nodes dropped because this node fell too far behind delivering them.");
        unreadable = counter(registry, "rpcws.broker.unreadable", "Messages on the cluster's channels this node could not read (and ignored).");
        reconnects = counter(registry, "rpcws.broker.reconnects", "Times the connection to the broker came back after it was lost.");
        gauge(registry, "rpcws.broker.up", "1 while this node is connected and subscribed to the broker (Redis) and it answers, else 0.",
                () -> up.getAsBoolean() ? 1 : 0);
        gauge(registry, "rpcws.broker.unacknowledged", "Publishes sent to the broker and not yet acknowledged.", unacknowledged);
        gauge(registry, "rpcws.cluster.peers", "Other nodes heard from in the last " + Peers.EXPIRY.toSeconds() + " s.", peers);
        gauge(registry, "rpcws.cluster.registrations.mismatch", "1 if some other node serves different methods or events, else 0.",
                () -> mismatch.getAsBoolean() ? 1 : 0);
        latency = histogram.apply(Timer.builder("rpcws.broker.latency")
                .description("From the emit on another node to the hand-off to delivery here, by wall clocks (one machine or synchronised clocks)."));
    }

    /** Records one emit-to-hand-off latency; a negative one (clocks apart) counts as zero. */
    void latency(long micros) {
        latency.record(Math.max(0, micros), TimeUnit.MICROSECONDS);
    }

    private static Counter counter(MeterRegistry registry, String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    private static void gauge(MeterRegistry registry, String name, String description, IntSupplier value) {
        Gauge.builder(name, value, IntSupplier::getAsInt).description(description).strongReference(true).register(registry);
    }
}
