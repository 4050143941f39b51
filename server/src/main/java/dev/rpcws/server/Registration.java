package dev.rpcws.server;

/** A registered method or declared event; public until protected (the reference's {@code protected()} / {@code public()}). */
public interface Registration {
    /** Only logged-in connections may call this method or subscribe to this event. */
    Registration protect();

    /** Anyone may call or subscribe (the default). */
    Registration unprotect();

    boolean isProtected();

    /**
     * Promises that this method's handler never blocks: it returns at once, with a value or with a
     * {@code CompletionStage} for work that takes time. Frames that call only such methods are processed on
     * the thread that read them, with no hand-off to the handler executor, the way an event loop runs them.
     * A handler that blocks after all stalls every connection read by that thread. Not for events.
     */
    default Registration nonBlocking() {
        throw new UnsupportedOperationException("only methods can be non-blocking");
    }
}
