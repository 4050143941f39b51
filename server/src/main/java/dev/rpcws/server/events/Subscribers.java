package dev.rpcws.server.events;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * The subscribers of one event in one namespace. The concurrent set is the truth; an emit sends to an array of
 * its members that is rebuilt only after the set changed, so a fan-out does not copy thousands of subscribers
 * for every emit while nobody came or left.
 *
 * <p>An emit that starts after {@link #add} returned sends to the new subscriber: every change counts itself
 * after it changed the set, and a snapshot is reused only while that count is the one it was built at. One that
 * left may still be in a snapshot an emit is sending to, as with a copy taken per emit: the connection refuses
 * frames once it has left.
 */
public final class Subscribers {
    private static final Subscriber[] NONE = new Subscriber[0];
    private static final AtomicLongFieldUpdater<Subscribers> CHANGES = AtomicLongFieldUpdater.newUpdater(Subscribers.class, "changes");

    private final Set<Subscriber> members = ConcurrentHashMap.newKeySet();
    private volatile long changes;
    private volatile Snapshot snapshot = new Snapshot(0, NONE);

    /** The members at one count of changes. */
    private record Snapshot(long changes, Subscriber[] members) {}

    /**
     * Subscribes {@code s}.
     *
     * @param s a connection
     * @return true if it was not subscribed before
     */
    public boolean add(Subscriber s) {
        if (!members.add(s)) return false;
        CHANGES.incrementAndGet(this);
        return true;
    }

    /**
     * Unsubscribes {@code s}.
     *
     * @param s a connection
     * @return true if it was subscribed
     */
    public boolean remove(Subscriber s) {
        if (!members.remove(s)) return false;
        CHANGES.incrementAndGet(this);
        return true;
    }

    /**
     * The members now, shared by every emit until the next change: callers must not modify the array.
     *
     * @return every subscriber that was added before this call and not removed before the last change it saw
     */
    public Subscriber[] snapshot() {
        long now = changes; // read before the set: a change counted after this is rebuilt by the next emit
        Snapshot s = snapshot;
        if (s.changes == now) return s.members;
        Subscriber[] current = members.toArray(NONE);
        snapshot = new Snapshot(now, current); // a racing emit's older one may overwrite it: it is rebuilt, never reused stale
        return current;
    }
}
