package dev.rpcws.protocol;

/**
 * The connection a frame arrived on, as the processing rules see it: its namespace's methods and events,
 * its login flag and its subscriptions.
 */
public interface Peer extends CallContext {
    /**
     * Looks a method up.
     *
     * @param name the method's name
     * @return the method registered under it in this namespace, or {@code null}
     */
    Method method(String name);

    /**
     * Looks an event up.
     *
     * @param name the event's name
     * @return the event declared under it in this namespace, or {@code null}
     */
    Event event(String name);

    /** Marks the connection as logged in (a login handler returned {@code true}). */
    void logIn();

    /** A login attempt failed (a result other than {@code true}, or the handler threw): for throttling. */
    default void loginFailed() {}

    /**
     * A handler failed with something other than an {@link RpcException} (or its result could not be written as
     * JSON). The client is answered {@code -32000 "Error"}, data {@code "Internal error"}, without the exception's
     * text; this is where the server tells its operators (the Jetty server logs it at WARN with the socket id).
     *
     * @param method the method that failed
     * @param failure what it threw (unwrapped from completion exceptions)
     */
    default void handlerFailed(String method, Throwable failure) {}

    /**
     * Subscribes to a declared event.
     *
     * @param event the event's name
     * @return {@code false} if already subscribed
     */
    boolean subscribe(String event);

    /**
     * Unsubscribes from a declared event.
     *
     * @param event the event's name
     * @return {@code false} if not subscribed
     */
    boolean unsubscribe(String event);

    /** A registered method as the rules see it. */
    interface Method {
        /** {@return the code that answers it} */
        MethodHandler handler();

        /** {@return whether only logged-in connections may call it} */
        boolean isProtected();

        /** {@return whether its handler may block, so that it must not run on an I/O thread (the default)} */
        default boolean mayBlock() {
            return true;
        }
    }

    /** A declared event as the rules see it. */
    interface Event {
        /** {@return whether only logged-in connections may subscribe to it} */
        boolean isProtected();
    }
}
