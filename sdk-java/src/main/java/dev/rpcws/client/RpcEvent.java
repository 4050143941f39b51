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
 *
 * @param name the event's name
 * @param args its arguments, in order
 */
public record RpcEvent(String name, List<JsonNode> args) {
    /**
     * An event; {@code args} is copied.
     *
     * @param name the event's name
     * @param args its arguments, in order
     */
    public RpcEvent {
        args = List.copyOf(args);
    }

    /**
     * One argument.
     *
     * @param index from 0
     * @return the argument
     * @throws IndexOutOfBoundsException when there are not that many
     */
    public JsonNode arg(int index) {
        return args.get(index);
    }

    /**
     * One argument bound to a Java type with the shared JSON codec.
     *
     * @param <T> the type
     * @param index from 0
     * @param type the type's class
     * @return the argument as a {@code T}
     * @throws IllegalArgumentException when it cannot be bound to {@code type}
     */
    public <T> T arg(int index, Class<T> type) {
        return Json.mapper().convertValue(args.get(index), type);
    }

    /**
     * One argument bound to a generic Java type with the shared JSON codec.
     *
     * @param <T> the type
     * @param index from 0
     * @param type the type, e.g. {@code new TypeReference<List<String>>() {}}
     * @return the argument as a {@code T}
     * @throws IllegalArgumentException when it cannot be bound to {@code type}
     */
    public <T> T arg(int index, TypeReference<T> type) {
        return Json.mapper().convertValue(args.get(index), type);
    }
}
