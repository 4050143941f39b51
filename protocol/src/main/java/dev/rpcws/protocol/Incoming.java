package dev.rpcws.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A frame as read, before it is processed ({@link RequestProcessor#read}): its tree, or why it is not JSON, and
 * whether processing it may call a handler that blocks. A server reads on its I/O thread and decides there
 * where the frame runs: what cannot block is answered on that thread, the rest goes to threads that may wait.
 *
 * @param tree the parsed frame, or {@code null} when it is not JSON
 * @param syntaxError why it is not JSON, or {@code null}
 * @param mayBlock whether a handler it calls (any, for a batch) was not declared non-blocking
 */
public record Incoming(JsonNode tree, String syntaxError, boolean mayBlock) {
}
