package dev.rpcws.examples;

// README: begin
import dev.rpcws.client.RpcClient;
import dev.rpcws.server.RpcServer;
import dev.rpcws.server.ServerOptions;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

public final class Quickstart {
    public static void main(String[] args) throws Exception {
        // A server with one method and one event, on a free port (0) of 127.0.0.1.
        try (RpcServer server = new RpcServer(ServerOptions.builder().port(0).build())) {
            server.register("sum", (params, ctx) -> params.get(0).asDouble() + params.get(1).asDouble()).nonBlocking();
            server.event("newsUpdate");
            server.start();

            // A client of it: a call, and an event it subscribed to.
            try (RpcClient client = RpcClient.builder("ws://127.0.0.1:" + server.port() + "/").build()) {
                client.connect().get(5, TimeUnit.SECONDS);
                Integer sum = client.call("sum", List.of(5, 3), Integer.class).get(5, TimeUnit.SECONDS);
                System.out.println("sum: " + sum);                                      // sum: 8

                CompletableFuture<String> news = new CompletableFuture<>();
                client.subscribe("newsUpdate", event -> news.complete(event.arg(0, String.class))).get(5, TimeUnit.SECONDS);
                server.emit("newsUpdate", "hello");
                System.out.println("newsUpdate: " + news.get(5, TimeUnit.SECONDS));     // newsUpdate: hello
            }
        }
    }
}
// README: end
