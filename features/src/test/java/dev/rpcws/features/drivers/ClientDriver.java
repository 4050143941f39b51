package dev.rpcws.features.drivers;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;

/**
 * One client library the suite drives: the Java SDK in this JVM, or the Node or Python library through its
 * agent. Everything a scenario does to a client goes through {@link ClientSession}, so one scenario runs
 * unchanged for every language.
 */
public interface ClientDriver {
    /** {@code java}, {@code node} or {@code python}. */
    String language();

    /** Where the library runs: {@code in-process}, {@code local process} or {@code container}. */
    String runtime();

    /**
     * Connects a client and returns once it is open. {@code options} uses the names of
     * docs/agent-control-api.md (reconnect, reconnectInterval, maxReconnects, callTimeoutMs,
     * restoreOnReconnect, pingIntervalMs, pongTimeoutMs, headers).
     */
    ClientSession connect(URI url, ObjectNode options);
}
