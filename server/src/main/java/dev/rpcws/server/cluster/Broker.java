package dev.rpcws.server.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.server.events.EventDelivery;
import dev.rpcws.server.events.Registrations;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A node's link to the other nodes of its cluster: an {@link EventDelivery} that delivers every emit here and
 * publishes it for the other nodes, delivers theirs here, and compares registrations with them. What /health says
 * of it comes from here; its meters go to the server's registry. The only implementation is Redis pub/sub
 * ({@link #redis}); nothing of Lettuce is loaded unless a broker is configured.
 */
public interface Broker extends EventDelivery {
    /** How often a node publishes its registrations digest; a peer silent for three of these is forgotten. */
    Duration HEARTBEAT = Duration.ofSeconds(5);

    /**
     * Connects to Redis in the background (start-up never waits for it; until it answers, emits are counted as
     * lost) and wraps {@code local}, the delivery to this node's subscribers.
     *
     * @param address       where Redis is
     * @param nodeId        this node's id, in its messages
     * @param registrations what this node serves, read at every heartbeat
     * @param local         the delivery to this node's subscribers
     * @param scheduler     runs the heartbeat and connection retries
     * @param registry      where the broker's meters go (the server's)
     * @param histogram     registers a timer there with the server's histogram buckets
     * @return the broker, connecting
     */
    static Broker redis(BrokerAddress address, String nodeId, Supplier<Registrations> registrations, EventDelivery local,
                        ScheduledExecutorService scheduler, MeterRegistry registry,
                        Function<Timer.Builder, Timer> histogram) {
        return new RedisBroker(address, nodeId, registrations, local, scheduler, registry, histogram);
    }

    /** {@return whether connected and subscribed: emits reach the other nodes and theirs reach this one} */
    boolean isUp();

    /**
     * For /health: {@code {"state":...,"address":...,"digest":...,"peers":{"n2":"<digest>",...},"mismatch":false}},
     * the state being {@code starting}, {@code up}, {@code down} (unreachable) or {@code stalled} (connected, not
     * answering).
     *
     * @return the broker's part of /health
     */
    ObjectNode health();

}
