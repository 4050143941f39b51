package dev.rpcws.protocol;

/** What a method handler knows about its caller. */
public interface CallContext {
    /** {@return the connection's socket id: the {@code socket_id} query parameter, or a random UUID} */
    String socketId();

    /** {@return the connection's namespace: its URL path, verbatim} */
    String namespace();

    /** {@return whether the connection has logged in} */
    boolean loggedIn();

    /** {@return who the handshake authenticated (e.g. by a bearer token), or {@code null} when nobody did} */
    default String identity() {
        return null;
    }
}
