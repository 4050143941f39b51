/**
 * Event delivery: the seam between "an event was emitted" and "these connections receive these bytes".
 *
 * <p>Every emit of the server (the Java API's {@code RpcServer.emit} and {@code Namespace.emit}, the admin
 * API's global and namespace emits) becomes an {@link dev.rpcws.server.events.Emission} and goes to the
 * server's one {@link dev.rpcws.server.events.EventDelivery}. Connections never know which delivery runs: they
 * are {@link dev.rpcws.server.events.Subscriber}s that take a frame.
 *
 * <p>{@link dev.rpcws.server.events.LocalDelivery} is the in-process delivery: it asks the server's namespaces
 * (an {@link dev.rpcws.server.events.Audience}) who subscribes, encodes the notification once, and fans it out
 * per core. A broker delivery (pub/sub across nodes) wraps it, set with {@code RpcServer.eventDelivery}: it
 * delivers locally at once, publishes the emission ({@code Emission.toJson()} inside its own envelope, which
 * carries the node id, and later an offset and epoch per emission for lossless resume), and hands emissions that
 * other nodes published to the local delivery without publishing them again, ignoring its own coming back. Its
 * nodes compare {@link dev.rpcws.server.events.Registrations} ({@code RpcServer.registrations()}) so that a node
 * serving different methods or events is reported. Login and subscriptions stay per connection: nothing else is
 * shared between nodes.
 */
package dev.rpcws.server.events;
