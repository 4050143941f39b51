package dev.rpcws.server.cli;

import dev.rpcws.server.RpcServer;
import dev.rpcws.server.ServerOptions;
import dev.rpcws.server.fixture.CompatFixture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar rpcws-server.jar}: the runnable server. */
@Command(name = "rpcws-server", mixinStandardHelpOptions = true, version = "rpcws-server 0.1.0",
        sortOptions = false, usageHelpWidth = 110,
        description = {"An rpc-websockets 10.0.1 server on Jetty 12, with heartbeats and limits.",
                "Prints one line 'listening ws=<port> admin=<port>' once it accepts connections."})
public final class ServerMain implements Callable<Integer> {
    enum Fixture { compat, none }

    @Option(names = "--host", description = "Interface for WebSocket connections (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "WebSocket port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = 8080;

    @Option(names = "--admin-host", description = "Interface for the admin HTTP API (default: ${DEFAULT-VALUE}).")
    String adminHost = "127.0.0.1";

    @Option(names = "--admin-port", description = "Admin HTTP API port; 0 picks a free one, -1 disables it (default: ${DEFAULT-VALUE}).")
    int adminPort = 8081;

    @Option(names = "--fixture", description = "Methods and events to load: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Fixture fixture = Fixture.compat;

    @Option(names = "--ping-interval", paramLabel = "MS", description = "Server ping interval in ms; 0 disables heartbeats (default: ${DEFAULT-VALUE}).")
    long pingIntervalMs = 30_000;

    @Option(names = "--pong-timeout", paramLabel = "MS", description = "A peer silent this long after a ping is closed with 1001 (default: ${DEFAULT-VALUE}).")
    long pongTimeoutMs = 10_000;

    @Option(names = "--idle-timeout", paramLabel = "MS", description = "Close connections idle this long; 0 = never, like the reference (default: ${DEFAULT-VALUE}).")
    long idleTimeoutMs = 0;

    @Option(names = "--max-message-size", paramLabel = "BYTES", description = "Larger messages are refused with close 1009 (default: ${DEFAULT-VALUE}).")
    long maxMessageBytes = 16L * 1024 * 1024;

    @Option(names = "--max-batch", paramLabel = "N", description = "Longer batches get one -32600 error (default: ${DEFAULT-VALUE}).")
    int maxBatch = 1000;

    @Option(names = "--max-queued-bytes", paramLabel = "BYTES", description = "A peer with more unsent output is closed with 1008 (default: ${DEFAULT-VALUE}).")
    long maxQueuedBytes = 16L * 1024 * 1024;

    @Option(names = "--max-in-flight", paramLabel = "N", description = "Unanswered frames per connection before its reads pause (default: ${DEFAULT-VALUE}).")
    int maxInFlight = 1024;

    @Option(names = "--max-connections", paramLabel = "N", description = "Further upgrades get HTTP 503; 0 = unlimited (default: ${DEFAULT-VALUE}).")
    int maxConnections = 0;

    @Option(names = "--permessage-deflate", description = "Accept permessage-deflate (declined by default, as the reference does).")
    boolean perMessageDeflate;

    @Override public Integer call() throws Exception {
        ServerOptions options = ServerOptions.builder()
                .host(host).port(port).adminHost(adminHost).adminPort(adminPort)
                .pingInterval(Duration.ofMillis(pingIntervalMs)).pongTimeout(Duration.ofMillis(pongTimeoutMs))
                .idleTimeout(Duration.ofMillis(idleTimeoutMs))
                .maxMessageBytes(maxMessageBytes).maxBatch(maxBatch).maxQueuedBytes(maxQueuedBytes)
                .maxInFlight(maxInFlight).maxConnections(maxConnections).perMessageDeflate(perMessageDeflate)
                .build();
        RpcServer server = new RpcServer(options);
        if (fixture == Fixture.compat) CompatFixture.install(server);
        server.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "rpcws-shutdown"));
        System.out.println("listening ws=" + server.port() + " admin=" + server.adminPort());
        System.out.flush();
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServerMain()).execute(args));
    }
}
