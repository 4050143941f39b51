package dev.rpcws.server.events;

/**
 * Decides who receives an emitted event. Every emit of the server goes through its one delivery: the Java API
 * ({@code RpcServer.emit}, {@code Namespace.emit}) and the admin API's emits alike. {@link LocalDelivery} sends
 * to this node's subscribers; a broker implementation wraps it to reach other nodes too.
 */
public interface EventDelivery extends AutoCloseable {
    /**
     * Delivers an emission.
     *
     * @param emission what is emitted, and where
     * @return the number of connections of this node it was sent to
     */
    int emit(Emission emission);

    /** Stops delivering (a broker disconnects); called once when the server closes. */
    @Override default void close() {}
}
