package dev.rpcws.server;

import dev.rpcws.server.fixture.CompatFixture;
import dev.rpcws.testkit.ServerUnderTest;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** The Jetty server with the compat fixture, in this JVM, on free loopback ports. */
public final class InProcessJetty implements ServerUnderTest {
    private final RpcServer server;

    private InProcessJetty(RpcServer server) {
        this.server = server;
    }

    public static InProcessJetty start() {
        return start(UnaryOperator.identity());
    }

    /** Starts with the defaults adjusted by {@code options} (port and admin port are 0 unless set). */
    public static InProcessJetty start(UnaryOperator<ServerOptions.Builder> options) {
        return start(options, server -> { });
    }

    /** As above, with {@code configure} run on the server (after the fixture, before start). */
    public static InProcessJetty start(UnaryOperator<ServerOptions.Builder> options, Consumer<RpcServer> configure) {
        return start(new RpcServer(options.apply(ServerOptions.builder().port(0).adminPort(0)).build()), configure);
    }

    /**
     * Starts a server built by the caller (e.g. through RpcServer's package-private test seam) with the compat
     * fixture, after {@code configure}; its options should put both ports at 0.
     */
    static InProcessJetty start(RpcServer server, Consumer<RpcServer> configure) {
        CompatFixture.install(server);
        configure.accept(server);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new InProcessJetty(server);
    }

    public RpcServer server() {
        return server;
    }

    @Override public String name() { return "jetty"; }
    @Override public int port() { return server.port(); }
    @Override public int adminPort() { return server.adminPort(); }
    @Override public void close() { server.close(); }
}
