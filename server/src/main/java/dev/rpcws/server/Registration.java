package dev.rpcws.server;

/** A registered method or declared event; public until protected (the reference's {@code protected()} / {@code public()}). */
public interface Registration {
    /**
     * Only logged-in connections may call this method or subscribe to this event.
     *
     * @return this registration
     */
    Registration protect();

    /**
     * Anyone may call or subscribe (the default).
     *
     * @return this registration
     */
    Registration unprotect();

    /** {@return whether only logged-in connections may use it} */
    boolean isProtected();
}
