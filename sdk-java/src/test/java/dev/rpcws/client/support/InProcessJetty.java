package dev.rpcws.client.support;

import dev.rpcws.server.RpcServer;
import dev.rpcws.server.ServerOptions;
import dev.rpcws.server.fixture.CompatFixture;
import dev.rpcws.testkit.ServerUnderTest;

/** The rpcws Jetty server in this JVM, with the compat fixture and the admin API, on 127.0.0.1. */
public final class InProcessJetty implements ServerUnderTest {
    private final RpcServer server;

    private InProcessJetty(RpcServer server) {
        this.server = server;
    }

    /** {@code port} 0 picks a free port. */
    public static InProcessJetty start(int port) {
        return start(ServerOptions.builder().port(port));
    }

    public static InProcessJetty start(ServerOptions.Builder options) {
        RpcServer server = new RpcServer(options.host("127.0.0.1").adminPort(0).build());
        CompatFixture.install(server);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("the Jetty server did not start", e);
        }
        return new InProcessJetty(server);
    }

    public RpcServer server() {
        return server;
    }

    @Override public String name() { return "jetty"; }
    @Override public int port() { return server.port(); }
    @Override public int adminPort() { return server.adminPort(); }

    /** Closes every connection with 1001, then stops. */
    @Override public void close() {
        server.close();
    }

    @Override public String toString() {
        return "in-process jetty server on port " + port();
    }
}
