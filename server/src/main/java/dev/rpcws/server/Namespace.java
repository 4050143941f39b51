package dev.rpcws.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.EventParams;
import dev.rpcws.protocol.Json;
import dev.rpcws.protocol.MethodHandler;
import dev.rpcws.protocol.Peer;
import dev.rpcws.protocol.Wire;
import dev.rpcws.server.connection.NamespaceView;
import dev.rpcws.server.connection.RpcConnection;
import dev.rpcws.server.events.Emission;
import dev.rpcws.server.events.Registrations;
import dev.rpcws.server.events.Subscriber;
import dev.rpcws.server.events.Subscribers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The methods, events and connections of one URL path. A connection lives in exactly one namespace;
 * methods, events, subscriptions and login never cross namespaces.
 */
public final class Namespace {
    private final String name;
    private final RpcServer server;
    private final Map<String, MethodEntry> methods = new ConcurrentHashMap<>();
    private final List<String> methodOrder = new CopyOnWriteArrayList<>();
    private final Map<String, EventEntry> events = new ConcurrentHashMap<>();
    private final List<String> eventOrder = new CopyOnWriteArrayList<>();
    private final Set<RpcConnection> connections = ConcurrentHashMap.newKeySet();
    private final NamespaceView view = new View();
    /** Set when the application named this namespace; namespaces that only connections created are dropped when empty. */
    private volatile boolean declared;

    Namespace(String name, RpcServer server) {
        this.name = name;
        this.server = server;
        // Built in, in every namespace (also those a client creates by connecting): untimed, so no client creates series.
        add(Wire.LIST_METHODS, (params, ctx) -> jsKeyOrder(methodOrder)).nonBlocking();
    }

    /** {@return its URL path} */
    public String name() {
        return name;
    }

    /**
     * Registers (or silently replaces, as the reference does) a method; it starts public.
     *
     * @param method its name
     * @param handler its code
     * @return the registration, to protect it or declare it non-blocking
     */
    public MethodRegistration register(String method, MethodHandler handler) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(handler, "handler");
        return add(method, server.metrics().timed(name, method, handler));
    }

    private MethodEntry add(String method, MethodHandler handler) {
        MethodEntry entry = new MethodEntry(handler);
        if (methods.put(method, entry) == null) methodOrder.add(method);
        return entry;
    }

    /**
     * Declares an event clients may subscribe to; declaring a name twice is an error, as in the reference.
     *
     * @param event its name
     * @return the registration, to protect it
     * @throws IllegalStateException when it is declared already
     */
    public Registration event(String event) {
        Objects.requireNonNull(event, "event");
        EventEntry entry = new EventEntry();
        if (events.putIfAbsent(event, entry) != null) {
            throw new IllegalStateException("Already registered event " + name + event);
        }
        eventOrder.add(event);
        return entry;
    }

    /** {@return the declared event names, in declaration order} */
    public List<String> eventList() {
        return List.copyOf(eventOrder);
    }

    /** {@return the socket ids of the connections in this namespace} */
    public List<String> connected() {
        List<String> ids = new ArrayList<>();
        for (RpcConnection c : connections) ids.add(c.socketId());
        return ids;
    }

    /**
     * Sends an event to this namespace's subscribers, {@code params} being the array of arguments, never
     * flattened (the reference's {@code server.of(ns).emit}).
     *
     * @param event the event's name
     * @param args its arguments (values Jackson can convert)
     * @return the number of connections of this node it was sent to
     */
    public int emit(String event, Object... args) {
        return server.deliver(Emission.toNamespace(name, event, EventParams.forNamespaceEmit(nodes(args))));
    }

    // ---- for the server ----

    void declare() {
        declared = true;
    }

    boolean isDeclared() {
        return declared;
    }

    /** Nothing registered but {@code __listMethods}, nothing declared. */
    boolean isEmpty() {
        return methodOrder.size() == 1 && eventOrder.isEmpty();
    }

    /** The subscribers of a declared event, or null. */
    Subscribers subscribers(String event) {
        EventEntry e = events.get(event);
        return e == null ? null : e.subscribers;
    }

    Set<RpcConnection> connections() {
        return connections;
    }

    /** What a connection of this namespace sees of it. */
    NamespaceView view() {
        return view;
    }

    /** This namespace's registrations, in registration order, with their protection. */
    Registrations.Served registrations() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        for (String method : methodOrder) m.put(method, methods.get(method).isProtected());
        Map<String, Boolean> e = new LinkedHashMap<>();
        for (String event : eventOrder) e.put(event, events.get(event).isProtected());
        return new Registrations.Served(m, e);
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

    private final class View implements NamespaceView {
        @Override public String name() {
            return name;
        }

        @Override public Peer.Method method(String method) {
            return methods.get(method);
        }

        @Override public Peer.Event event(String event) {
            return events.get(event);
        }

        @Override public boolean subscribe(String event, Subscriber subscriber) {
            EventEntry e = events.get(event);
            return e != null && e.subscribers.add(subscriber);
        }

        @Override public boolean unsubscribe(String event, Subscriber subscriber) {
            EventEntry e = events.get(event);
            return e != null && e.subscribers.remove(subscriber);
        }

        @Override public void join(RpcConnection c) {
            connections.add(c);
        }

        @Override public void leave(RpcConnection c) {
            connections.remove(c);
            for (EventEntry e : events.values()) e.subscribers.remove(c);
            if (connections.isEmpty()) server.forgetIfUnused(Namespace.this);
        }
    }

    private static final class MethodEntry implements Peer.Method, MethodRegistration {
        private final MethodHandler handler;
        private volatile boolean isProtected;
        private volatile boolean nonBlocking;

        MethodEntry(MethodHandler handler) {
            this.handler = handler;
        }

        @Override public MethodHandler handler() { return handler; }
        @Override public boolean isProtected() { return isProtected; }
        @Override public MethodRegistration protect() { isProtected = true; return this; }
        @Override public MethodRegistration unprotect() { isProtected = false; return this; }
        @Override public MethodRegistration nonBlocking() { nonBlocking = true; return this; }
        @Override public boolean isNonBlocking() { return nonBlocking; }
        @Override public boolean mayBlock() { return !nonBlocking; }
    }

    private static final class EventEntry implements Peer.Event, Registration {
        private final Subscribers subscribers = new Subscribers();
        private volatile boolean isProtected;

        @Override public boolean isProtected() { return isProtected; }
        @Override public Registration protect() { isProtected = true; return this; }
        @Override public Registration unprotect() { isProtected = false; return this; }
    }

    @Override public String toString() {
        return "Namespace[" + name + "]";
    }
}
