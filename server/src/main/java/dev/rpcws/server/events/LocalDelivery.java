package dev.rpcws.server.events;

import dev.rpcws.protocol.Frames;
import dev.rpcws.protocol.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Delivery to this node's subscribers. The notification is encoded once and every subscriber gets the same
 * bytes; sends never wait for a slow subscriber (its own queue takes the frame, or it is cut off). With many
 * subscribers the sends are spread over the cores: the emitting thread takes one share, the executor the
 * others, and {@link #emit} returns once all are queued. A broker calls it for emissions from other nodes too.
 */
public final class LocalDelivery implements EventDelivery {
    /** Subscribers per share of a fan-out: fewer are not worth a thread hand-off. */
    private static final int SHARE_MIN = 256;
    private static final Subscriber[] NONE = new Subscriber[0];

    private final Audience audience;
    private final Executor executor;
    private final Timer delivery;
    private final Counter delivered;

    /**
     * A delivery to this node's subscribers.
     *
     * @param audience who subscribes to what here
     * @param executor runs the shares of a large fan-out beyond the emitting thread's own
     * @param delivery records, per emission that reaches anyone here, the time until every subscriber's frame was queued
     * @param delivered counts the notifications sent (once per emission, not per subscriber: the shares do not share a counter)
     */
    public LocalDelivery(Audience audience, Executor executor, Timer delivery, Counter delivered) {
        this.audience = audience;
        this.executor = executor;
        this.delivery = delivery;
        this.delivered = delivered;
    }

    @Override public int emit(Emission emission) {
        long emitted = System.nanoTime();
        Subscriber[] to = snapshot(audience.subscribers(emission));
        if (to.length == 0) return 0;
        Notification notification = new Notification(Json.writeBytes(Frames.notification(emission.event(), emission.params())));
        int shares = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), to.length / SHARE_MIN));
        int size = (to.length + shares - 1) / shares;
        List<CompletableFuture<Integer>> others = new ArrayList<>(shares - 1);
        for (int from = size; from < to.length; from += size) {
            int start = from;
            int end = Math.min(to.length, from + size);
            try {
                others.add(CompletableFuture.supplyAsync(() -> send(to, start, end, notification), executor));
            } catch (RejectedExecutionException stopping) {
                others.add(CompletableFuture.completedFuture(send(to, start, end, notification)));
            }
        }
        int sent = send(to, 0, Math.min(size, to.length), notification);
        for (CompletableFuture<Integer> share : others) sent += share.join();
        delivered.increment(sent);
        delivery.record(System.nanoTime() - emitted, TimeUnit.NANOSECONDS);
        return sent;
    }

    private static Subscriber[] snapshot(List<Subscribers> groups) {
        if (groups.size() == 1) return groups.get(0).snapshot();
        List<Subscriber> all = new ArrayList<>();
        for (Subscribers g : groups) all.addAll(Arrays.asList(g.snapshot()));
        return all.toArray(NONE);
    }

    private static int send(Subscriber[] to, int from, int until, Notification notification) {
        int sent = 0;
        for (int i = from; i < until; i++) {
            if (to[i].sendEvent(notification)) sent++;
        }
        return sent;
    }
}
