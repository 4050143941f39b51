package dev.rpcws.protocol;

/**
 * The connection a frame arrived on, as the processing rules see it: its namespace's methods and events,
 * its login flag and its subscriptions.
 */
public interface Peer extends CallContext {
    /** A method registered in this namespace, or {@code null}. */
    Method method(String name);

    /** An event declared in this namespace, or {@code null}. */
    Event event(String name);

    /** Marks the connection as logged in (a login handler returned {@code true}). */
    void logIn();

    /** A login attempt failed (a result other than {@code true}, or the handler threw): for throttling. */
    default void loginFailed() {}

    /**
     * A handler failed with something other than an {@link RpcException} (or its result could not be written as
     * JSON). The client is answered {@code -32000 "Error"}, data {@code "Internal error"}, without the exception's
     * text; this is where the server tells its operators (the Jetty server logs it at WARN with the socket id).
     */
    default void handlerFailed(String method, Throwable failure) {}

    /** Subscribes to a declared event; {@code false} if already subscribed. */
    boolean subscribe(String event);

    /** Unsubscribes from a declared event; {@code false} if not subscribed. */
    boolean unsubscribe(String event);

    interface Method {
        MethodHandler handler();

        boolean isProtected();
    }

    interface Event {
        boolean isProtected();
    }
}
