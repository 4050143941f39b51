/**
 * Limits: what bounds a server keeps, where each is enforced, and what a peer that passes it gets. Every value
 * is an option of {@link dev.rpcws.server.ServerOptions} (its builder holds the defaults, the CLI shows them);
 * the README's limits table is the user's view of the same list.
 *
 * <table>
 * <caption>Limits, where they are enforced, and their outcomes</caption>
 * <tr><th>limit</th><th>enforced by</th><th>outcome</th></tr>
 * <tr><td>message size</td><td>Jetty's frame parser and {@code connection.MessageAssembly} (fragments)</td><td>close 1009</td></tr>
 * <tr><td>batch length</td><td>{@code dev.rpcws.protocol.RequestProcessor}</td><td>one -32600 error</td></tr>
 * <tr><td>queued output</td><td>{@link dev.rpcws.server.limits.OutboundBudget}</td><td>close 1008 "Slow consumer"</td></tr>
 * <tr><td>frames in flight</td><td>{@code connection.FrameTasks}</td><td>reads pause (TCP back-pressure)</td></tr>
 * <tr><td>pong timeout</td><td>{@code connection.Heartbeat}</td><td>close 1001 "Ping timeout"</td></tr>
 * <tr><td>failed logins</td><td>{@code security.LoginThrottle}</td><td>close 1008 "Too many failed logins"</td></tr>
 * <tr><td>connections</td><td>{@code security.UpgradePolicy}</td><td>HTTP 503</td></tr>
 * <tr><td>idle time</td><td>Jetty's idle timeout</td><td>close 1001</td></tr>
 * <tr><td>log lines peers cause</td><td>{@link dev.rpcws.server.limits.RateLimitedLog}</td><td>10 per 10 s per kind, then a count</td></tr>
 * </table>
 *
 * <p>{@link dev.rpcws.server.limits.Limits} carries the per-connection values to the connections.
 */
package dev.rpcws.server.limits;
