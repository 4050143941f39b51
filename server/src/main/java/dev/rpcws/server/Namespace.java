package dev.rpcws.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.EventParams;
import dev.rpcws.protocol.Frames;
import dev.rpcws.protocol.Json;
import dev.rpcws.protocol.MethodHandler;
import dev.rpcws.protocol.Peer;
import dev.rpcws.protocol.Wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The methods, events and connections of one URL path. A connection lives in exactly one namespace;
 * methods, events, subscriptions and login never cross namespaces.
 */
public final class Namespace {
    /** Subscribers per share of a fan-out: fewer are not worth a thread hand-off. */
    private static final int SHARE_MIN = 256;

    private final String name;
    private final RpcServer server;
    private final Map<String, MethodEntry> methods = new ConcurrentHashMap<>();
    private final List<String> methodOrder = new CopyOnWriteArrayList<>();
    private final Map<String, EventEntry> events = new ConcurrentHashMap<>();
    private final List<String> eventOrder = new CopyOnWriteArrayList<>();
    private final Set<RpcConnection> connections = ConcurrentHashMap.newKeySet();
    /** Set when the application named this namespace; namespaces that only connections created are dropped when empty. */
    volatile boolean declared;

    Namespace(String name, RpcServer server) {
        this.name = name;
        this.server = server;
        register(Wire.LIST_METHODS, (params, ctx) -> jsKeyOrder(methodOrder));
    }

    public String name() {
        return name;
    }

    /** Registers (or silently replaces, as the reference does) a method; it starts public. */
    public Registration register(String method, MethodHandler handler) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(handler, "handler");
        MethodEntry entry = new MethodEntry(handler);
        if (methods.put(method, entry) == null) methodOrder.add(method);
        return entry;
    }

    /** Declares an event clients may subscribe to; declaring a name twice is an error, as in the reference. */
    public Registration event(String event) {
        Objects.requireNonNull(event, "event");
        EventEntry entry = new EventEntry();
        if (events.putIfAbsent(event, entry) != null) {
            throw new IllegalStateException("Already registered event " + name + event);
        }
        eventOrder.add(event);
        return entry;
    }

    /** The declared event names, in declaration order. */
    public List<String> eventList() {
        return List.copyOf(eventOrder);
    }

    /** Socket ids of the connections in this namespace. */
    public List<String> connected() {
        List<String> ids = new ArrayList<>();
        for (RpcConnection c : connections) ids.add(c.socketId());
        return ids;
    }

    /**
     * Sends an event to this namespace's subscribers, {@code params} being the array of arguments, never
     * flattened (the reference's {@code server.of(ns).emit}). Returns the number of connections it was sent to.
     */
    public int emit(String event, Object... args) {
        return deliver(event, EventParams.forNamespaceEmit(nodes(args)));
    }

    /**
     * Sends an event's frame to every subscriber. The frame is encoded once and every subscriber gets the
     * same bytes; sends never wait for a slow subscriber (its own queue takes the frame, or it is cut off).
     * With many subscribers the writes are spread over the cores: this thread takes one share, the handler
     * executor the others, and the call returns once all are queued.
     */
    int deliver(String event, JsonNode params) {
        EventEntry entry = events.get(event);
        if (entry == null || entry.subscribers.isEmpty()) return 0;
        byte[] frame = Json.writeBytes(Frames.notification(event, params));
        RpcConnection[] to = entry.subscribers.toArray(new RpcConnection[0]);
        int shares = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), to.length / SHARE_MIN));
        int size = (to.length + shares - 1) / shares;
        List<CompletableFuture<Integer>> others = new ArrayList<>(shares - 1);
        for (int from = size; from < to.length; from += size) {
            int start = from;
            int end = Math.min(to.length, from + size);
            try {
                others.add(CompletableFuture.supplyAsync(() -> send(to, start, end, frame), server.handlerExecutor()));
            } catch (RejectedExecutionException stopping) {
                others.add(CompletableFuture.completedFuture(send(to, start, end, frame)));
            }
        }
        int sent = send(to, 0, Math.min(size, to.length), frame);
        for (CompletableFuture<Integer> share : others) sent += share.join();
        return sent;
    }

    private static int send(RpcConnection[] to, int from, int until, byte[] frame) {
        int sent = 0;
        for (int i = from; i < until; i++) {
            if (to[i].sendEvent(frame)) sent++;
        }
        return sent;
    }

    boolean declares(String event) {
        return events.containsKey(event);
    }

    boolean isEmpty() {
        return methodOrder.size() == 1 && eventOrder.isEmpty();
    }

    Peer.Method method(String method) {
        return methods.get(method);
    }

    EventEntry eventEntry(String event) {
        return events.get(event);
    }

    void attach(RpcConnection c) {
        connections.add(c);
    }

    /** Forgets a connection and its subscriptions. */
    void detach(RpcConnection c) {
        connections.remove(c);
        for (EventEntry e : events.values()) e.subscribers.remove(c);
        if (connections.isEmpty()) server.forgetIfUnused(this);
    }

    Set<RpcConnection> connections() {
        return connections;
    }

    static List<JsonNode> nodes(Object[] args) {
        List<JsonNode> out = new ArrayList<>(args.length);
        for (Object a : args) out.add(Json.toNode(a));
        return out;
    }

    /** {@code Object.keys} order: what the reference's {@code __listMethods} returns. */
    private static ArrayNode jsKeyOrder(List<String> names) {
        ObjectNode keys = Json.object();
        for (String n : names) keys.putNull(n);
        ArrayNode out = Json.array();
        keys.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static final class MethodEntry implements Peer.Method, Registration {
        private final MethodHandler handler;
        private volatile boolean isProtected;

        MethodEntry(MethodHandler handler) {
            this.handler = handler;
        }

        @Override public MethodHandler handler() { return handler; }
        @Override public boolean isProtected() { return isProtected; }
        @Override public Registration protect() { isProtected = true; return this; }
        @Override public Registration unprotect() { isProtected = false; return this; }
    }

    static final class EventEntry implements Peer.Event, Registration {
        final Set<RpcConnection> subscribers = ConcurrentHashMap.newKeySet();
        private volatile boolean isProtected;

        @Override public boolean isProtected() { return isProtected; }
        @Override public Registration protect() { isProtected = true; return this; }
        @Override public Registration unprotect() { isProtected = false; return this; }
    }

    @Override public String toString() {
        return "Namespace[" + name + "]";
    }
}
