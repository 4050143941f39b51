/**
 * Many nodes behind a load balancer: events across nodes through a broker (docs/decisions/0011-redis-broker.md).
 *
 * <p>{@link dev.rpcws.server.cluster.Broker} is the link to the other nodes: an
 * {@link dev.rpcws.server.events.EventDelivery} wrapping the local one, which delivers every emit here and
 * publishes it, delivers the other nodes' emits here, and compares registrations with them. Its one
 * implementation, {@code RedisBroker}, uses Redis pub/sub through Lettuce, an optional dependency loaded only when
 * {@code ServerOptions.broker} is set. {@link dev.rpcws.server.cluster.BrokerAddress} is the broker's URI. Nothing
 * else is shared between nodes: login and subscriptions stay on the connection.
 */
package dev.rpcws.server.cluster;
