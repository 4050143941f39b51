package dev.rpcws.server.connection;

import dev.rpcws.protocol.Peer;
import dev.rpcws.server.events.Subscriber;

/** A connection's namespace as the connection sees it: what it may call and subscribe to, and its membership. */
public interface NamespaceView {
    String name();

    /** A registered method, or null. */
    Peer.Method method(String name);

    /** A declared event, or null. */
    Peer.Event event(String name);

    /** Adds a subscriber to a declared event; false if the event is not declared or it was already subscribed. */
    boolean subscribe(String event, Subscriber subscriber);

    /** False if the event is not declared or it was not subscribed. */
    boolean unsubscribe(String event, Subscriber subscriber);

    void join(RpcConnection connection);

    /** Forgets a connection and its subscriptions. */
    void leave(RpcConnection connection);
}
