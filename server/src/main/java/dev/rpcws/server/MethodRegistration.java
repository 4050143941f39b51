package dev.rpcws.server;

/**
 * A registered method: public until protected, and its handler may block until it is declared non-blocking.
 */
public interface MethodRegistration extends Registration {
    @Override MethodRegistration protect();

    @Override MethodRegistration unprotect();

    /**
     * Declares that the handler returns without blocking: it computes its result, or returns a
     * {@code CompletionStage} completed later, and never sleeps, waits on a lock held long, or does blocking I/O.
     * Its calls are then answered on the thread that read them, with no hand-off to another thread (decision
     * 0014); the calls of a connection are still answered in the order they came. A declared handler that blocks
     * anyway holds every connection that thread reads. Ignored when an executor of the application's runs the
     * handlers ({@link RpcServer#handlerExecutor}). Declare it before clients call the method.
     *
     * @return this registration
     */
    MethodRegistration nonBlocking();

    /** {@return whether the handler was declared non-blocking} */
    boolean isNonBlocking();
}
