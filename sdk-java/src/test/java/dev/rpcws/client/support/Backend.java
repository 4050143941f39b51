package dev.rpcws.client.support;

import dev.rpcws.server.InProcessJetty;
import dev.rpcws.testkit.LaunchedProcess;
import dev.rpcws.testkit.ProcessServer;
import dev.rpcws.testkit.ServerUnderTest;

/** The two servers every client test runs against, both loaded with the compat fixture. */
public enum Backend {
    /** The rpcws Jetty server. */
    JETTY,
    /** The canonical npm rpc-websockets 10.0.1 server. */
    NODE;

    /** A server on {@code port} (0: any free port): in-process for Jetty, a process for Node. */
    public ServerUnderTest start(int port) {
        return this == JETTY ? InProcessJetty.start(o -> o.port(port)) : ProcessServer.node(port);
    }

    /** A server in a process of its own, so that it can be paused. */
    public ServerUnderTest startProcess(int port) {
        return this == JETTY ? JettyProcess.start(port) : ProcessServer.node(port);
    }

    /** The process of a server from {@link #startProcess}. */
    public static LaunchedProcess process(ServerUnderTest server) {
        if (server instanceof JettyProcess j) return j.process();
        if (server instanceof ProcessServer p) return p.process();
        throw new IllegalArgumentException(server + " is not a process");
    }

    /**
     * Takes the server down abruptly: the Node process is killed (its clients see 1006); the in-process
     * Jetty server is closed (its clients see 1001), the closest a server in this JVM gets to a crash.
     */
    public void crash(ServerUnderTest server) {
        if (server instanceof ProcessServer p) p.process().kill();
        else server.close();
    }

    @Override public String toString() {
        return name().toLowerCase();
    }
}
