package dev.rpcws.protocol.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.Js;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The calls a client awaits replies for. Ids are integers from 1, one per request, never reused and never
 * reset (not on a reconnect either); a reply finds its call by comparing ids as JavaScript object keys, as
 * the reference client does, so {@code 1}, {@code 1.0} and {@code "1"} match and {@code null} never does.
 * Thread-safe; each call is handed out at most once ({@link #match}, {@link #forget} and {@link #forgetAll}
 * remove what they return).
 *
 * @param <C> what the client keeps per call (its method, the future to complete, ...)
 */
public final class PendingCalls<C> {
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<String, C> pending = new ConcurrentHashMap<>();

    /** {@return a fresh id for the next request} */
    public long nextId() {
        return nextId.getAndIncrement();
    }

    /**
     * Awaits a reply to {@code id}.
     *
     * @param id the request's id, from {@link #nextId}
     * @param call what the client keeps for it
     */
    public void track(long id, C call) {
        pending.put(Long.toString(id), call);
    }

    /**
     * Finds and removes the call a reply settles.
     *
     * @param id the reply's {@code id} member (Java {@code null} when absent)
     * @return the call, or {@code null} if none (or the id never matches)
     */
    public C match(JsonNode id) {
        String key = Js.idKey(id);
        return key == null ? null : pending.remove(key);
    }

    /**
     * Stops waiting for a reply to {@code id} (timeout, cancellation).
     *
     * @param id the request's id
     * @return the call, or {@code null} if it was settled already
     */
    public C forget(long id) {
        return pending.remove(Long.toString(id));
    }

    /**
     * Stops waiting for every call that {@code which} selects (e.g. those sent on a connection that is gone).
     *
     * @param which selects the calls
     * @return the calls removed
     */
    public List<C> forgetAll(Predicate<? super C> which) {
        List<C> calls = new ArrayList<>();
        for (Map.Entry<String, C> e : pending.entrySet()) {
            if (which.test(e.getValue()) && pending.remove(e.getKey(), e.getValue())) calls.add(e.getValue());
        }
        return calls;
    }

    /** {@return how many calls await a reply} */
    public int size() {
        return pending.size();
    }
}
