package dev.rpcws.server;

/** A registered method or declared event; public until protected (the reference's {@code protected()} / {@code public()}). */
public interface Registration {
    /** Only logged-in connections may call this method or subscribe to this event. */
    Registration protect();

    /** Anyone may call or subscribe (the default). */
    Registration unprotect();

    boolean isProtected();
}
