package dev.rpcws.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.Json;

import java.util.List;

/**
 * An event as a listener receives it: its name and its arguments, converted from the frame's {@code params}
 * the way the reference client does (protocol reference 5.4): {@code {"notification":"e","params":["a","b"]}}
 * gives two arguments, {@code "params":{"k":1}} one, {@code []}/{@code {}} none; a standard JSON-RPC
 * notification {@code {"method":"e","params":p}} gives {@code p} as its one argument.
 */
public record RpcEvent(String name, List<JsonNode> args) {
    public RpcEvent {
        args = List.copyOf(args);
    }

    /** Argument {@code index}; fails when there are not that many. */
    public JsonNode arg(int index) {
        return args.get(index);
    }

    /** Argument {@code index} bound to {@code type} with the shared JSON codec. */
    public <T> T arg(int index, Class<T> type) {
        return Json.mapper().convertValue(args.get(index), type);
    }

    public <T> T arg(int index, TypeReference<T> type) {
        return Json.mapper().convertValue(args.get(index), type);
    }
}
