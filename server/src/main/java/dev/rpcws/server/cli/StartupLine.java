package dev.rpcws.server.cli;

import dev.rpcws.server.RpcServer;
import dev.rpcws.server.ServerOptions;

import java.time.Duration;

/**
 * The runnable's start-up line: what an operator needs to know about the server that just started, on one line
 * (the log backend adds the timestamp). Secrets are never in it: tokens are counted, passwords left out.
 */
final class StartupLine {
    private StartupLine() {}

    static String of(String version, RpcServer server, String fixture, int tokens, boolean tokenLogsIn) {
        ServerOptions o = server.options();
        StringBuilder line = new StringBuilder("rpcws-server ").append(version).append(" listening:")
                .append(" ws://").append(o.host()).append(':').append(server.port());
        if (server.tlsPort() >= 0) line.append(" wss://").append(o.host()).append(':').append(server.tlsPort());
        line.append(server.adminPort() >= 0 ? " admin http://" + o.adminHost() + ":" + server.adminPort() : " admin off");
        line.append("; fixture ").append(fixture.equals("none") ? "none (no methods: --fixture compat loads the test fixture)" : fixture);
        line.append("; heartbeat ").append(o.pingInterval().isZero() ? "off" : "ping every " + ms(o.pingInterval()) + ", pong timeout " + ms(o.pongTimeout()));
        line.append("; limits: message ").append(o.maxMessageBytes()).append(" B, batch ").append(o.maxBatch())
                .append(", queued ").append(o.maxQueuedBytes()).append(" B, in flight ").append(o.maxInFlight())
                .append(", connections ").append(o.maxConnections() == 0 ? "unlimited" : Integer.toString(o.maxConnections()))
                .append(", idle timeout ").append(o.idleTimeout().isZero() ? "none" : ms(o.idleTimeout()))
                .append(", permessage-deflate ").append(o.perMessageDeflate() ? "on" : "off");
        line.append("; security: origins ").append(o.allowedOrigins().isEmpty() ? "any" : String.join(" ", o.allowedOrigins()));
        if (!o.allowedOrigins().isEmpty()) line.append(o.allowMissingOrigin() ? " (none sent: allowed)" : " (none sent: refused)");
        line.append(", tokens ").append(tokens == 0 ? "not required" : tokens + (tokenLogsIn ? " (log in)" : ""))
                .append(", failed logins before close ").append(o.maxFailedLogins() == 0 ? "unlimited" : Integer.toString(o.maxFailedLogins()))
                .append(", admin token ").append(o.adminToken() == null ? "none" : "set");
        if (o.tls() != null) line.append(", TLS key store ").append(o.tls().keyStore()).append(" (").append(o.tls().type()).append(')');
        line.append("; node ").append(o.nodeId()).append(", broker ").append(o.broker() == null ? "none" : o.broker())
                .append(", drain window ").append(ms(o.drainWindow()));
        return line.toString();
    }

    private static String ms(Duration d) {
        return d.toMillis() + " ms";
    }
}
