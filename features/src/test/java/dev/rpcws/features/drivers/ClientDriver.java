package dev.rpcws.features.drivers;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;

/**
 * One client library the suite drives: the Java SDK in this JVM, the npm package's browser bundle in headless
 * Chromium (driven from this JVM through Playwright), or a Node or Python library through its agent. Everything
 * a scenario does to a client goes through {@link ClientSession}, so one scenario runs unchanged for every
 * client; what a client cannot do at all (a page cannot stop reading its socket) is declared in
 * {@code Applicability} and reported as n/a.
 */
public interface ClientDriver {
    /** {@code java}, {@code node}, {@code node-legacy}, {@code python}, {@code python-sync} or {@code browser}. */
    String language();

    /** Where and on what the library runs, for the reports: "local process, rpc-websockets 10.0.1, Node v20.20.2". */
    String runtime();

    /**
     * Connects a client and returns once it is open. {@code options} uses the names of
     * docs/agent-control-api.md (reconnect, reconnectInterval, maxReconnects, callTimeoutMs,
     * restoreOnReconnect, pingIntervalMs, pongTimeoutMs, headers).
     */
    ClientSession connect(URI url, ObjectNode options);
}
