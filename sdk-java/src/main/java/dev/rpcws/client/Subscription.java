package dev.rpcws.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One listener registered with {@link RpcClient#subscribe} or {@link RpcClient#on}. Closing it removes the
 * listener; when it was the last subscribed listener of its event, the client sends {@code rpc.off}.
 */
public final class Subscription implements AutoCloseable {
    private final Subscriptions owner;
    private final String event;
    private final EventListener listener;
    private final boolean serverSide;
    private final AtomicBoolean closed = new AtomicBoolean();

    Subscription(Subscriptions owner, String event, EventListener listener, boolean serverSide) {
        this.owner = owner;
        this.event = event;
        this.listener = listener;
        this.serverSide = serverSide;
    }

    /** {@return the event this listener receives} */
    public String event() {
        return event;
    }

    EventListener listener() {
        return listener;
    }

    /** Whether this listener came from {@code subscribe} (server-side subscription) rather than {@code on}. */
    boolean serverSide() {
        return serverSide;
    }

    /**
     * Removes the listener. Completes when any {@code rpc.off} it needed has been answered; fails with
     * {@link RpcClientException.Kind#SUBSCRIPTION_FAILED} when the server refused it. Idempotent.
     *
     * @return completes once the listener is removed everywhere it needed to be
     */
    public CompletableFuture<Void> unsubscribe() {
        if (!closed.compareAndSet(false, true)) return CompletableFuture.completedFuture(null);
        return owner.remove(this);
    }

    /** {@link #unsubscribe()} without waiting for the server's answer. */
    @Override public void close() {
        unsubscribe();
    }
}
