package dev.rpcws.server.events;

import java.util.List;

/** Who subscribes to what on this node: the server's namespaces answer it for {@link LocalDelivery}. */
public interface Audience {
    /**
     * The subscribers an emission reaches here, one collection per namespace: the emission's namespace, or every
     * namespace that declares its event; empty when nobody here listens.
     *
     * @param emission what is emitted, and where
     * @return its subscribers on this node, per namespace
     */
    List<Subscribers> subscribers(Emission emission);
}
