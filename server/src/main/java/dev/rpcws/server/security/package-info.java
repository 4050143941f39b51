/**
 * Security, one type per door: {@link dev.rpcws.server.security.UpgradePolicy} decides each WebSocket upgrade
 * (connection limit, Origin allow-list, bearer token through a {@link dev.rpcws.server.security.HandshakeAuthenticator}),
 * {@link dev.rpcws.server.security.LoginThrottle} closes a connection after too many failed {@code rpc.login}
 * attempts, and {@link dev.rpcws.server.security.AdminAuth} guards the admin API with its token. TLS is a
 * connector of {@link dev.rpcws.server.RpcServer}. Only {@code HandshakeAuthenticator} is API; the others are
 * public so that the server can wire them.
 */
package dev.rpcws.server.security;
