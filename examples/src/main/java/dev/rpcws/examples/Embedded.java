package dev.rpcws.examples;

import dev.rpcws.server.RpcServer;
import dev.rpcws.server.ServerOptions;

import java.util.Map;

/** The README's "Embedded" example under "The server": methods, a protected method, a login, an event, a namespace. */
public final class Embedded {
    private Embedded() {}

    /** Starts the README's server on {@code port} (0: a free one) and emits its first event. */
    public static RpcServer start(int port) throws Exception {
        // README: begin
        RpcServer server = new RpcServer(ServerOptions.builder().port(port).build());
        server.register("sum", (params, ctx) -> params.get(0).asDouble() + params.get(1).asDouble()).nonBlocking();
        server.register("secret", (params, ctx) -> "s").protect();
        server.setAuth((params, ctx) -> "foo".equals(params.path("username").asText()));
        server.event("newsUpdate");
        server.of("/chat").register("chatOnly", (params, ctx) -> "in chat");
        server.start();
        server.emit("newsUpdate", Map.of("title", "hello"));   // {"notification":"newsUpdate","params":{"title":"hello"}}
        // README: end
        return server;
    }
}
