package dev.rpcws.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.fixture.CompatFixture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The processing rules with everything a server adds taken away: namespaces of methods and events, and
 * connections that are {@link Peer}s whose replies and events land in an in-memory inbox. No sockets, no threads
 * of its own. It takes the compat fixture as the Jetty server does.
 */
final class InMemoryServer implements CompatFixture.Target {
    private final RequestProcessor processor = new RequestProcessor();
    private final Map<String, Space> namespaces = new ConcurrentHashMap<>();

    /** The namespace of a path, created if needed. */
    Space of(String namespace) {
        return namespaces.computeIfAbsent(namespace, Space::new);
    }

    /** A new connection to {@code namespace}; {@code socketId} null picks a random UUID, as the reference does. */
    Connection connect(String namespace, String socketId) {
        return new Connection(of(namespace), socketId == null ? UUID.randomUUID().toString() : socketId);
    }

    /**
     * A connection to a URL's path and query: the path is the namespace ({@code /} when empty), {@code socket_id}
     * the id (its first value when repeated, as the Jetty server takes it: deviation D15).
     */
    Connection connect(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String socketId = null;
        if (q >= 0) {
            for (String pair : pathAndQuery.substring(q + 1).split("&")) {
                if (pair.startsWith("socket_id=") && socketId == null) socketId = pair.substring("socket_id=".length());
            }
        }
        return connect(path.isEmpty() ? "/" : path, socketId);
    }

    @Override public void method(String namespace, String name, MethodHandler handler, boolean isProtected) {
        Registered r = of(namespace).register(name, handler);
        if (isProtected) r.protect();
    }

    @Override public void event(String namespace, String name, boolean isProtected) {
        Declared d = of(namespace).event(name);
        if (isProtected) d.protect();
    }

    /** {@code server.emit(event, ...args)}: every namespace that declared the event, params flattened. */
    void emit(String event, List<JsonNode> args) {
        JsonNode params = EventParams.forGlobalEmit(args);
        for (Space s : namespaces.values()) s.deliver(event, params);
    }

    /** {@code server.of(ns).emit(event, ...args)}: never flattened. */
    void emitIn(String namespace, String event, List<JsonNode> args) {
        of(namespace).deliver(event, EventParams.forNamespaceEmit(args));
    }

    static final class Space {
        final String name;
        final Map<String, Registered> methods = Collections.synchronizedMap(new LinkedHashMap<>());
        final Map<String, Declared> events = new ConcurrentHashMap<>();

        Space(String name) {
            this.name = name;
            register("__listMethods", (params, ctx) -> methodNames());
        }

        /** The reference's {@code __listMethods}: {@code Object.keys} of the methods, so JavaScript key order. */
        private ArrayNode methodNames() {
            ObjectNode keys = Json.object();
            synchronized (methods) {
                methods.keySet().forEach(keys::putNull);
            }
            ArrayNode out = Json.array();
            keys.fieldNames().forEachRemaining(out::add);
            return out;
        }

        Registered register(String method, MethodHandler handler) {
            Registered r = new Registered(handler);
            methods.put(method, r);
            return r;
        }

        Declared event(String event) {
            Declared d = new Declared();
            events.put(event, d);
            return d;
        }

        private void deliver(String event, JsonNode params) {
            Declared d = events.get(event);
            if (d == null) return;
            String frame = Json.write(Frames.notification(event, params));
            for (Connection c : d.subscribers) c.inbox.add(frame);
        }
    }

    static final class Registered implements Peer.Method {
        private final MethodHandler handler;
        private volatile boolean isProtected;
        private volatile boolean nonBlocking;

        Registered(MethodHandler handler) {
            this.handler = handler;
        }

        Registered protect() {
            isProtected = true;
            return this;
        }

        Registered nonBlocking() {
            nonBlocking = true;
            return this;
        }

        @Override public MethodHandler handler() { return handler; }
        @Override public boolean isProtected() { return isProtected; }
        @Override public boolean mayBlock() { return !nonBlocking; }
    }

    static final class Declared implements Peer.Event {
        final Set<Connection> subscribers = ConcurrentHashMap.newKeySet();
        private volatile boolean isProtected;

        Declared protect() {
            isProtected = true;
            return this;
        }

        @Override public boolean isProtected() { return isProtected; }
    }

    /** One connection: what it sends goes through the processor, what it would receive lands in its inbox. */
    final class Connection implements Peer {
        private final Space space;
        private final String socketId;
        private final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        private volatile boolean loggedIn;
        private volatile int logIns;
        private volatile int failedLogins;
        private final List<String> handlerFailures = Collections.synchronizedList(new ArrayList<>());
        /** Protected events this connection was subscribed to while it was not logged in: must stay empty. */
        final Set<String> protectedBeforeLogin = ConcurrentHashMap.newKeySet();

        private Connection(Space space, String socketId) {
            this.space = space;
            this.socketId = socketId;
        }

        /** Sends a text frame; its reply (if any) arrives in the inbox when the processor completes it. */
        void send(String frame) {
            process(frame).thenAccept(reply -> {
                if (reply != null) inbox.add(Json.write(reply));
            });
        }

        /** Runs a text frame through the processor and hands back its reply (null for none) instead of delivering it. */
        CompletableFuture<JsonNode> process(String frame) {
            return processor.process(frame, this);
        }

        /** The next frame received, or null if none arrives within {@code timeout}. */
        String next(Duration timeout) {
            try {
                return inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Leaves: drops the subscriptions, as a closed socket's are. */
        void close() {
            for (Declared d : space.events.values()) d.subscribers.remove(this);
        }

        /** A frame already received, or null: for replies that complete synchronously. */
        String poll() {
            return inbox.poll();
        }

        /** The events this connection is subscribed to, in no particular order. */
        Set<String> subscriptions() {
            Set<String> out = new LinkedHashSet<>();
            for (Map.Entry<String, Declared> e : new LinkedHashMap<>(space.events).entrySet()) {
                if (e.getValue().subscribers.contains(this)) out.add(e.getKey());
            }
            return out;
        }

        int logIns() {
            return logIns;
        }

        int failedLogins() {
            return failedLogins;
        }

        @Override public String socketId() { return socketId; }
        @Override public String namespace() { return space.name; }
        @Override public boolean loggedIn() { return loggedIn; }
        @Override public Method method(String name) { return space.methods.get(name); }
        @Override public Event event(String name) { return space.events.get(name); }

        @Override public void logIn() {
            logIns++;
            loggedIn = true;
        }

        @Override public void loginFailed() {
            failedLogins++;
        }

        @Override public void handlerFailed(String method, Throwable failure) {
            handlerFailures.add(method + ": " + failure);
        }

        /** What the processor reported as failed handlers, {@code method: exception}, in order. */
        List<String> handlerFailures() {
            return List.copyOf(handlerFailures);
        }

        @Override public boolean subscribe(String event) {
            Declared d = space.events.get(event);
            if (d != null && d.isProtected() && !loggedIn) protectedBeforeLogin.add(event);
            return d != null && d.subscribers.add(this);
        }

        @Override public boolean unsubscribe(String event) {
            Declared d = space.events.get(event);
            return d != null && d.subscribers.remove(this);
        }
    }
}
