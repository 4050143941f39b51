/**
 * One WebSocket connection, inside the server: not API. {@link dev.rpcws.server.connection.RpcConnection} is
 * the Jetty frame handler and the protocol's {@code Peer}; its parts each do one job:
 * {@code MessageAssembly} (frames to messages: fragments, strict UTF-8, the size limit), {@code FrameTasks}
 * (messages run on the handler executor, with the stall check and back-pressure, decision 0003), and
 * {@code Heartbeat} (pings and the pong timeout). An event's frame goes to the socket directly through a
 * {@link dev.rpcws.server.connection.DirectOutput} when it can (decision 0016). The outbound budget and the login throttle come from
 * {@code limits} and {@code security}. A connection sees its server as a
 * {@link dev.rpcws.server.connection.ConnectionHost} and its namespace as a
 * {@link dev.rpcws.server.connection.NamespaceView}, so this package depends on neither.
 */
package dev.rpcws.server.connection;
