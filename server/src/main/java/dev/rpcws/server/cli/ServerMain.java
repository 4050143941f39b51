package dev.rpcws.server.cli;

import dev.rpcws.server.RpcServer;
import dev.rpcws.server.ServerOptions;
import dev.rpcws.server.cluster.BrokerAddress;
import dev.rpcws.server.fixture.CompatFixture;
import dev.rpcws.server.security.HandshakeAuthenticator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar rpcws-server.jar}: the runnable server. It logs one start-up line with every setting in effect
 * and prints {@code listening ws=<port> admin=<port>} on stdout once it accepts connections. Options it cannot use
 * (a malformed or out-of-range value, a port in use, a key store it cannot open) end it with one line on stderr
 * and exit status {@value #BAD_INPUT}; an unexpected failure exits with {@value #FAILED}.
 */
@Command(name = "rpcws-server", mixinStandardHelpOptions = true, versionProvider = ServerMain.Version.class,
        sortOptions = false, usageHelpWidth = 110,
        description = {"An rpc-websockets 10.0.1 server on Jetty 12, with heartbeats and limits.",
                "Serves no methods unless told: --fixture compat loads the test fixture (docs/compat-fixture.md).",
                "Prints one line 'listening ws=<port> admin=<port>' once it accepts connections.",
                "Exit status: 0 stopped, 1 failed, 2 options it cannot use (one line on stderr says which)."})
public final class ServerMain implements Callable<Integer> {
    /** The process stopped because it was asked to (SIGTERM, Ctrl-C). */
    static final int STOPPED = 0;
    /** Something the options cannot explain went wrong. */
    static final int FAILED = 1;
    /** An option the server cannot use: wrong syntax or range, a port in use, a key store it cannot open. */
    static final int BAD_INPUT = 2;
    private static final Logger LOG = LoggerFactory.getLogger(ServerMain.class);

    enum Fixture { none, compat }

    /** The library's defaults: the options below start from them, and --help shows them. */
    private static final ServerOptions DEFAULTS = ServerOptions.builder().build();
    /** Unlike the library, which leaves it off, the runnable server has its admin API on by default. */
    private static final int DEFAULT_ADMIN_PORT = 8081;

    @Option(names = "--host", description = "Interface for WebSocket connections (default: ${DEFAULT-VALUE}).")
    String host = DEFAULTS.host();

    @Option(names = "--port", description = "WebSocket port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = DEFAULTS.port();

    @Option(names = "--admin-host", description = "Interface for the admin HTTP API (default: ${DEFAULT-VALUE}).")
    String adminHost = DEFAULTS.adminHost();

    @Option(names = "--admin-port", description = "Admin HTTP API port; 0 picks a free one, -1 disables it (default: ${DEFAULT-VALUE}).")
    int adminPort = DEFAULT_ADMIN_PORT;

    @Option(names = "--fixture", description = "Methods and events to load: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: no methods). "
            + "compat is the interop suite's test fixture, with a foo/bar login: never for production.")
    Fixture fixture = Fixture.none;

    @Option(names = "--ping-interval", paramLabel = "MS", description = "Server ping interval in ms; 0 disables heartbeats (default: ${DEFAULT-VALUE}).")
    long pingIntervalMs = DEFAULTS.pingInterval().toMillis();

    @Option(names = "--pong-timeout", paramLabel = "MS", description = "A peer silent this long after a ping is closed with 1001 (default: ${DEFAULT-VALUE}).")
    long pongTimeoutMs = DEFAULTS.pongTimeout().toMillis();

    @Option(names = "--idle-timeout", paramLabel = "MS", description = "Close connections idle this long; 0 = never, like the reference (default: ${DEFAULT-VALUE}).")
    long idleTimeoutMs = DEFAULTS.idleTimeout().toMillis();

    @Option(names = "--max-message-size", paramLabel = "BYTES", description = "Larger messages are refused with close 1009 (default: ${DEFAULT-VALUE}).")
    long maxMessageBytes = DEFAULTS.maxMessageBytes();

    @Option(names = "--max-batch", paramLabel = "N", description = "Longer batches get one -32600 error (default: ${DEFAULT-VALUE}).")
    int maxBatch = DEFAULTS.maxBatch();

    @Option(names = "--max-queued-bytes", paramLabel = "BYTES", description = "A peer with more unsent output is closed with 1008 (default: ${DEFAULT-VALUE}).")
    long maxQueuedBytes = DEFAULTS.maxQueuedBytes();

    @Option(names = "--max-in-flight", paramLabel = "N", description = "Unanswered frames per connection before its reads pause (default: ${DEFAULT-VALUE}).")
    int maxInFlight = DEFAULTS.maxInFlight();

    @Option(names = "--max-connections", paramLabel = "N", description = "Further upgrades get HTTP 503; 0 = unlimited (default: ${DEFAULT-VALUE}).")
    int maxConnections = DEFAULTS.maxConnections();

    @Option(names = "--permessage-deflate", description = "Accept permessage-deflate (declined by default, as the reference does).")
    boolean perMessageDeflate = DEFAULTS.perMessageDeflate();

    @Option(names = "--tls-port", paramLabel = "PORT", description = "Also serve wss:// on this port (0 picks a free one); needs --tls-keystore.")
    Integer tlsPort;

    @Option(names = "--tls-keystore", paramLabel = "FILE", description = "Key store with the server's key and certificate chain.")
    Path tlsKeyStore;

    @Option(names = "--tls-keystore-password", paramLabel = "PASSWORD", defaultValue = "${env:RPCWS_TLS_KEYSTORE_PASSWORD}",
            description = "Its password (default: the environment variable RPCWS_TLS_KEYSTORE_PASSWORD).")
    String tlsPassword;

    @Option(names = "--tls-keystore-type", description = "PKCS12 or JKS (default: ${DEFAULT-VALUE}). Protocols: TLS 1.3 and 1.2 only.")
    String tlsType = "PKCS12";

    @Option(names = "--allowed-origin", paramLabel = "ORIGIN", description = "Allow upgrades from this Origin (repeatable); others get 403. None given: any origin.")
    List<String> allowedOrigins = new ArrayList<>();

    @Option(names = "--reject-missing-origin", description = "With --allowed-origin: refuse upgrades without an Origin header too (by default non-browser clients, which send none, pass).")
    boolean rejectMissingOrigin = !DEFAULTS.allowMissingOrigin();

    @Option(names = "--token", paramLabel = "TOKEN=IDENTITY", description = "Require a bearer token at the upgrade (Authorization: Bearer or ?token=); repeatable. Missing or unknown: 401.")
    Map<String, String> tokens = new LinkedHashMap<>();

    @Option(names = "--token-logs-in", description = "A connection accepted by token counts as logged in for protected methods and events.")
    boolean tokenLogsIn;

    @Option(names = "--max-failed-logins", paramLabel = "N", description = "Close a connection with 1008 after N failed rpc.login attempts; 0 = never (default: ${DEFAULT-VALUE}).")
    int maxFailedLogins = DEFAULTS.maxFailedLogins();

    @Option(names = "--admin-token", paramLabel = "TOKEN", defaultValue = "${env:RPCWS_ADMIN_TOKEN}",
            description = "Bearer token the admin API requires (all but /health); required to bind it beyond loopback (default: the environment variable RPCWS_ADMIN_TOKEN).")
    String adminToken;

    @Option(names = "--broker", paramLabel = "redis://HOST:PORT[/DB]",
            description = "Redis for events across nodes: an emit on any node reaches subscribers on every node (README \"Cluster\"). Default: none, a single node.")
    String broker;

    @Option(names = "--node-id", paramLabel = "NAME", description = "This node's name in /health, metrics and logs (default: a random id).")
    String nodeId = DEFAULTS.nodeId();

    @Option(names = "--drain-window", paramLabel = "MS", description = "On SIGTERM: health 503, upgrades refused, open connections closed with 1001 spread over this window, then exit (default: ${DEFAULT-VALUE}).")
    long drainWindowMs = DEFAULTS.drainWindow().toMillis();

    @Override public Integer call() throws Exception {
        if (adminPort >= 0 && adminToken == null && !isLoopback(adminHost)) {
            throw new Unusable("refusing to bind the admin API to " + adminHost + " without --admin-token: it can emit events to every client");
        }
        if (tlsPort != null && (tlsKeyStore == null || tlsPassword == null)) {
            throw new Unusable("--tls-port needs --tls-keystore and a password (--tls-keystore-password or RPCWS_TLS_KEYSTORE_PASSWORD)");
        }
        if (tlsPort == null && tlsKeyStore != null) { // a key store alone would serve plain ws:// only, silently
            throw new Unusable("--tls-keystore needs --tls-port, the port to serve wss:// on");
        }
        ServerOptions options;
        try {
            options = ServerOptions.builder()
                    .host(host).port(port).adminHost(adminHost).adminPort(adminPort)
                    .pingInterval(Duration.ofMillis(pingIntervalMs)).pongTimeout(Duration.ofMillis(pongTimeoutMs))
                    .idleTimeout(Duration.ofMillis(idleTimeoutMs))
                    .maxMessageBytes(maxMessageBytes).maxBatch(maxBatch).maxQueuedBytes(maxQueuedBytes)
                    .maxInFlight(maxInFlight).maxConnections(maxConnections).perMessageDeflate(perMessageDeflate)
                    .tls(tlsPort == null ? null : new ServerOptions.Tls(tlsPort, tlsKeyStore, tlsPassword, tlsType))
                    .allowedOrigins(allowedOrigins).allowMissingOrigin(!rejectMissingOrigin)
                    .maxFailedLogins(maxFailedLogins).adminToken(adminToken)
                    .broker(broker == null ? null : BrokerAddress.parse(broker)).nodeId(nodeId)
                    .drainWindow(Duration.ofMillis(drainWindowMs))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new Unusable(e.getMessage());
        }
        RpcServer server = new RpcServer(options);
        if (fixture == Fixture.compat) CompatFixture.install(server);
        if (!tokens.isEmpty()) server.authenticateHandshakes(HandshakeAuthenticator.tokens(tokens), tokenLogsIn);
        try {
            server.start();
        } catch (Exception e) {
            server.close();
            throw new Unusable("cannot start: " + describe(e));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM (a rolling restart, `docker stop`, scripts/cluster.sh down): drain, then stop.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.drain(options.drainWindow()).join();
            server.close();
            stopped.countDown();
        }, "rpcws-shutdown"));
        LOG.info(StartupLine.of(Version.get(), server, fixture.name(), tokens.size(), tokenLogsIn));
        System.out.println("listening ws=" + server.port() + " admin=" + server.adminPort() + (server.tlsPort() >= 0 ? " wss=" + server.tlsPort() : ""));
        System.out.flush();
        stopped.await();
        return STOPPED;
    }

    /**
     * A failure as one line. The server's own {@link IllegalArgumentException}s say why already; others (Jetty's)
     * get the innermost cause's message added, e.g. "Failed to bind to /127.0.0.1:8080: Address already in use".
     */
    static String describe(Throwable e) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (e instanceof IllegalArgumentException) return message;
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root == e || root.getMessage() == null || message.contains(root.getMessage()) ? message : message + ": " + root.getMessage();
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The command line as {@link #main} runs it: bad input is one line and {@link #BAD_INPUT}, never a stack trace. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ServerMain());
        cli.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("rpcws-server: " + oneLine(e.getMessage()) + " (rpcws-server --help lists the options)");
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof Unusable) {
                command.getErr().println("rpcws-server: " + oneLine(e.getMessage()));
                return BAD_INPUT;
            }
            command.getErr().println("rpcws-server: failed: " + oneLine(describe(e)));
            LOG.debug("failure", e);
            return FAILED;
        });
        return cli;
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s*\\R\\s*", "; ");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Options that parse but that the server cannot use: reported as one line, exit status {@link #BAD_INPUT}. */
    private static final class Unusable extends RuntimeException {
        Unusable(String message) {
            super(message, null, false, false);
        }
    }

    /** The version in the jar's manifest ({@code Implementation-Version}), or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        static String get() {
            String v = ServerMain.class.getPackage().getImplementationVersion();
            return v == null ? "dev" : v;
        }

        @Override public String[] getVersion() {
            return new String[] {"rpcws-server " + get()};
        }
    }
}
