package dev.rpcws.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Where application code runs: futures complete on the callback executor, and event and lifecycle listeners
 * run on one {@link SerialLane} of it, so they see things in the order they happened. Nothing user-supplied
 * runs on a Jetty I/O or timer thread.
 */
final class Callbacks {
    private static final Logger LOG = LoggerFactory.getLogger(Callbacks.class);

    private final Executor executor;
    private final SerialLane lane;
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();

    Callbacks(Executor executor, List<ConnectionListener> initial) {
        this.executor = executor;
        this.lane = new SerialLane(executor);
        this.listeners.addAll(initial);
    }

    void addListener(ConnectionListener listener) {
        listeners.add(listener);
    }

    void removeListener(ConnectionListener listener) {
        listeners.remove(listener);
    }

    /** Tells every lifecycle listener, on the lane; a listener that throws is logged and the others still hear. */
    void emit(Consumer<ConnectionListener> event) {
        lane.execute(() -> {
            for (ConnectionListener l : listeners) {
                try {
                    event.accept(l);
                } catch (RuntimeException e) {
                    LOG.warn("a connection listener threw", e);
                }
            }
        });
    }

    /** Runs {@code task} on the lane, after everything emitted before. */
    void onLane(Runnable task) {
        lane.execute(task);
    }

    /**
     * A future that settles like {@code internal}, but on the callback executor, so that no caller code runs on
     * Jetty or timer threads; cancelling it cancels {@code internal}.
     */
    <T> CompletableFuture<T> handOff(CompletableFuture<T> internal) {
        CompletableFuture<T> external = new CompletableFuture<>();
        internal.whenComplete((result, failure) -> {
            Runnable settle = () -> {
                if (failure == null) external.complete(result);
                else external.completeExceptionally(unwrap(failure));
            };
            try {
                executor.execute(settle);
            } catch (RejectedExecutionException shutDown) {
                settle.run();
            }
        });
        external.whenComplete((r, e) -> {
            if (external.isCancelled()) internal.cancel(false);
        });
        return external;
    }

    static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
        return t;
    }
}
