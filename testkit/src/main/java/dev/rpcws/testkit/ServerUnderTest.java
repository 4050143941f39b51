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
}
