package dev.rpcws.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** What the admin API sees of a server: its health, its metrics, its connections, and its emits. */
public interface AdminView {
    /** Whether the server takes connections (/health answers 200, else 503). */
    boolean healthy();

    /** What /health says beside its status: {@code node}, {@code draining}, and {@code broker} when there is one. */
    ObjectNode health();

    /** {@return the metrics in the Prometheus text format, or {@code null} when they are not kept in a Prometheus registry} */
    String metrics();

    /** Socket ids of the connections in a namespace (null: the root namespace); empty if there is none. */
    List<String> connections(String namespace);

    /** {@code server.emit(event, ...args)}: every namespace that declares the event, params flattened. */
    void emit(String event, List<JsonNode> args);

    /** {@code server.of(namespace).emit(event, ...args)}: params never flattened. */
    void emit(String namespace, String event, List<JsonNode> args);
}
