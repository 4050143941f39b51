package dev.rpcws.server.limits;

import java.time.Duration;

/**
 * The bounds each connection enforces, taken from the server's options once and shared by its connections.
 *
 * @param maxInFlight     frames received and not yet answered before the connection stops reading its socket
 * @param maxQueuedBytes  output waiting to be written before the peer is cut off as a slow consumer
 * @param maxFailedLogins failed {@code rpc.login} attempts before the connection is closed; 0 = unlimited
 * @param pingInterval    time between heartbeat pings; zero disables them
 * @param pongTimeout     silence after a ping before the peer is taken for dead
 */
public record Limits(int maxInFlight, long maxQueuedBytes, int maxFailedLogins, Duration pingInterval, Duration pongTimeout) {}
