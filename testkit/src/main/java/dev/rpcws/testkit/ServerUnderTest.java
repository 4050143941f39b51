package dev.rpcws.testkit;

import java.net.URI;

/** A server the tests run against: the Jetty server or the Node reference server, both with the compat fixture. */
public interface ServerUnderTest extends AutoCloseable {
    /** {@code "jetty"} or {@code "node"}. */
    String name();

    int port();

    int adminPort();

    default URI wsUri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port() + (pathAndQuery.startsWith("/") ? "" : "/") + pathAndQuery);
    }

    default AdminClient admin() {
        return new AdminClient(URI.create("http://127.0.0.1:" + adminPort()));
    }

    @Override void close();

    /** A server running in this JVM (e.g. an RpcServer), closed by {@code close}. */
    static ServerUnderTest inProcess(String name, int port, int adminPort, Runnable close) {
        return new ServerUnderTest() {
            @Override public String name() { return name; }
            @Override public int port() { return port; }
            @Override public int adminPort() { return adminPort; }
            @Override public void close() { close.run(); }
            @Override public String toString() { return name + " server on port " + port; }
        };
    }
}
