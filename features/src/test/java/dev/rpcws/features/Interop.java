package dev.rpcws.features;

import dev.rpcws.features.drivers.AgentDriver;
import dev.rpcws.features.drivers.BrowserDriver;
import dev.rpcws.features.drivers.ClientDriver;
import dev.rpcws.features.drivers.JavaDriver;
import dev.rpcws.features.report.Run;
import dev.rpcws.server.RpcServer;
import dev.rpcws.server.ServerOptions;
import dev.rpcws.server.fixture.CompatFixture;
import dev.rpcws.server.security.HandshakeAuthenticator;
import dev.rpcws.testkit.LaunchedProcess;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.ProcessServer;
import dev.rpcws.testkit.Repo;
import dev.rpcws.testkit.ServerUnderTest;
import dev.rpcws.testkit.TestCertificates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What a whole matrix run shares: the servers under test and the client drivers, each started once and reused
 * by every scenario, and the run (client x server) being executed.
 */
public final class Interop {
    /** The shared Jetty server pings this often, so every scenario also proves the clients answer pings. */
    public static final Duration PING_INTERVAL = Duration.ofMillis(250);
    public static final Duration PONG_TIMEOUT = Duration.ofMillis(500);
    /**
     * The compressed server runs no heartbeat scenario, but a client compressing 1 MiB on a busy machine can hold
     * its one thread past 500 ms; there pongs are still counted, a late one does not cost the connection.
     */
    private static final Duration PONG_TIMEOUT_COMPRESSED = Duration.ofSeconds(2);
    private static final Pattern AGENT_READY = Pattern.compile("listening control=(\\d+)");
    private static final Duration AGENT_START = Duration.ofSeconds(30);

    /** The Jetty server with permessage-deflate on: the clients that offer compression talk compressed. */
    public static final String JETTY_DEFLATE = "jetty-deflate";
    /** Three Jetty nodes sharing events through Redis, behind HAProxy ({@link ClusterServer}). */
    public static final String CLUSTER = "cluster";

    private static final Map<String, ServerUnderTest> SERVERS = new ConcurrentHashMap<>();
    private static final Map<String, ClientDriver> DRIVERS = new ConcurrentHashMap<>();
    private static final List<AutoCloseable> PROCESSES = new ArrayList<>();
    private static final Map<Boolean, ServerUnderTest> SECURE = new ConcurrentHashMap<>();
    private static volatile TestCertificates certificates;
    private static volatile Run current;
    private static volatile Supplier<RpcServer> jettyFactory = Interop::compatJetty;
    private static volatile Supplier<ClusterServer> clusterFactory = ClusterServer::start;
    /** Why the cluster did not start: every later scenario of the row fails with it at once instead of trying again. */
    private static volatile Throwable clusterFailure;

    private Interop() {}

    /** The clients of this matrix run: {@code -Drpcws.clients}, by default all of them. */
    public static List<String> clients() {
        return list("rpcws.clients", "java,node,python,python-sync,node-legacy,browser");
    }

    /**
     * The clients run against {@code server}: {@code -Drpcws.clients.<server>} where given (the container mode runs the
     * Java SDK against the cluster in containers, and not again against the single servers), else {@link #clients()}.
     */
    public static List<String> clients(String server) {
        return list("rpcws.clients." + server, String.join(",", clients()));
    }

    /** The servers of this matrix run: {@code -Drpcws.servers}, by default all of them. */
    public static List<String> servers() {
        return list("rpcws.servers", "jetty,node," + JETTY_DEFLATE + "," + CLUSTER);
    }

    private static List<String> list(String property, String fallback) {
        return Arrays.stream(System.getProperty(property, fallback).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    static void begin(Run run) {
        current = run;
    }

    public static Run current() {
        return current;
    }

    /** The server of the current run. */
    public static ServerUnderTest server() {
        return server(current.server());
    }

    public static ServerUnderTest server(String name) {
        return SERVERS.computeIfAbsent(name, Interop::startServer);
    }

    /** Whether the current run's server is the cluster. */
    public static boolean clusterRun() {
        return current.server().equals(CLUSTER);
    }

    /** The cluster of the current run. */
    public static ClusterServer cluster() {
        if (!clusterRun()) throw new IllegalStateException("the server of " + current.label() + " is not the cluster");
        return (ClusterServer) server();
    }

    /** The client driver of the current run's language. */
    public static ClientDriver driver() {
        return driver(current.client());
    }

    public static synchronized ClientDriver driver(String language) {
        return DRIVERS.computeIfAbsent(language, Interop::startDriver);
    }

    /** A server of the current kind for one scenario alone (restarts, freezes), as a process; 0 picks a port. */
    public static ProcessServer freshServer(int port) {
        return switch (current.server()) {
            case "jetty" -> ProcessServer.jetty(port);
            case "node" -> ProcessServer.node(port);
            default -> throw new IllegalStateException("no server process of its own for " + current.server());
        };
    }

    /** The test CA and server certificate of this run, made once. */
    public static synchronized TestCertificates certificates() {
        if (certificates == null) certificates = TestCertificates.create();
        return certificates;
    }

    /**
     * The secure Jetty server (wss:// only to clients, origins limited to https://app.example, token "s3cret"
     * naming alice, 5 failed logins at most), one per {@code tokenLogsIn} setting, started once per run.
     */
    public static ServerUnderTest secureServer(boolean tokenLogsIn) {
        return SECURE.computeIfAbsent(tokenLogsIn, logsIn -> {
            RpcServer server = new RpcServer(ServerOptions.builder().port(0).adminPort(0)
                    .tls(new ServerOptions.Tls(0, certificates().serverKeyStore(), certificates().password(), "PKCS12"))
                    .allowedOrigins(List.of("https://app.example")).maxFailedLogins(5).build());
            CompatFixture.install(server);
            server.authenticateHandshakes(HandshakeAuthenticator.tokens(Map.of("s3cret", "alice")), logsIn);
            try {
                server.start();
            } catch (Exception e) {
                throw new IllegalStateException("the secure Jetty server did not start", e);
            }
            int tls = server.tlsPort();
            return new ServerUnderTest() {
                @Override public String name() { return "jetty"; }
                @Override public int port() { return tls; }
                @Override public int adminPort() { return server.adminPort(); }
                @Override public URI wsUri(String pathAndQuery) { return URI.create("wss://127.0.0.1:" + tls + pathAndQuery); }
                @Override public void close() { server.close(); }
            };
        });
    }

    /** Replaces the shared Jetty server's factory (the broken-server test); stops the running one. */
    static void useJetty(Supplier<RpcServer> factory) {
        jettyFactory = factory;
        ServerUnderTest old = SERVERS.remove("jetty");
        if (old != null) old.close();
    }

    /** Replaces the cluster's factory (the broken-cluster test); stops the running one. */
    static void useCluster(Supplier<ClusterServer> factory) {
        clusterFactory = factory;
        clusterFailure = null;
        ServerUnderTest old = SERVERS.remove(CLUSTER);
        if (old != null) old.close();
    }

    static synchronized void shutdown() {
        SERVERS.values().forEach(ServerUnderTest::close);
        SERVERS.clear();
        SECURE.values().forEach(ServerUnderTest::close);
        SECURE.clear();
        DRIVERS.clear();
        for (AutoCloseable p : PROCESSES) {
            try {
                p.close();
            } catch (Exception ignored) {
                // best effort at the end of a run
            }
        }
        PROCESSES.clear();
        jettyFactory = Interop::compatJetty;
        clusterFactory = ClusterServer::start;
        clusterFailure = null;
    }

    /** The compat fixture on a Jetty server with short heartbeats, in this JVM. */
    public static RpcServer compatJetty() {
        return compatJetty(false);
    }

    private static RpcServer compatJetty(boolean perMessageDeflate) {
        RpcServer server = new RpcServer(ServerOptions.builder().port(0).adminPort(0)
                .pingInterval(PING_INTERVAL).pongTimeout(perMessageDeflate ? PONG_TIMEOUT_COMPRESSED : PONG_TIMEOUT)
                .perMessageDeflate(perMessageDeflate).build());
        CompatFixture.install(server);
        return server;
    }

    private static ServerUnderTest startServer(String name) {
        if (name.equals(CLUSTER)) return startCluster();
        String external = System.getProperty("rpcws." + name + ".ports");
        if (external != null) return externalServer(name, external);
        if (name.equals("node")) return ProcessServer.node(0);
        RpcServer server = name.equals(JETTY_DEFLATE) ? compatJetty(true) : jettyFactory.get();
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("the Jetty server did not start", e);
        }
        return ServerUnderTest.inProcess("jetty", server.port(), server.adminPort(), server::close);
    }

    private static ClusterServer startCluster() {
        if (clusterFailure != null) throw new IllegalStateException("the cluster did not start: " + clusterFailure, clusterFailure);
        try {
            return clusterFactory.get();
        } catch (RuntimeException | Error e) {
            clusterFailure = e;
            throw e;
        }
    }

    /** The commit under test: {@code -Drpcws.commit}, else git's short hash of this checkout, else "unknown". */
    static String commit() {
        String given = System.getProperty("rpcws.commit", "");
        if (!given.isBlank()) return given;
        try (LaunchedProcess git = LaunchedProcess.start("git-rev-parse", List.of("git", "rev-parse", "--short=12", "HEAD"), Repo.root(),
                Pattern.compile("^([0-9a-f]{7,40})$"), Duration.ofSeconds(10))) {
            return git.ready(1);
        } catch (RuntimeException e) {
            return "unknown (not a git checkout)";
        }
    }

    /** The versions of what the reports name beside the clients: rpcws, the test JVM, Jetty, and each server that ran. */
    static Map<String, String> versions(List<String> servers) {
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("rpcws", System.getProperty("rpcws.version", "unknown"));
        versions.put("Java (the test JVM: the Java SDK and the rpcws server)",
                Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ")");
        versions.put("Jetty", org.eclipse.jetty.util.Jetty.VERSION);
        for (String name : servers) {
            if (!name.equals("node")) continue;
            URI health = URI.create("http://127.0.0.1:" + server(name).adminPort() + "/health");
            try {
                JsonNode h = Json.parse(HttpClient.newHttpClient().send(HttpRequest.newBuilder(health).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                versions.put("Node (the rpc-websockets reference server)", h.path("runtime").asText("unknown"));
            } catch (IOException | Json.JsonSyntaxException e) {
                versions.put("Node (the rpc-websockets reference server)", "unknown: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return versions;
    }

    /** {@code -Drpcws.agents=container}: the Node and Python agents run in containers (Testcontainers). */
    public static boolean containerAgents() {
        return "container".equals(System.getProperty("rpcws.agents", "local"));
    }

    private static ClientDriver startDriver(String language) {
        String external = System.getProperty("rpcws.agent." + language);
        if (external != null) {
            URI control = URI.create(external);
            awaitHttp(control.resolve("/health"));
            return new AgentDriver(language, "container (compose)", control);
        }
        boolean inThisJvm = language.equals("java") || language.equals("browser");
        if (containerAgents() && !inThisJvm) {
            ContainerAgent agent = ContainerAgent.start(language);
            PROCESSES.add(agent);
            return new AgentDriver(language, "container", agent.control());
        }
        return switch (language) {
            case "java" -> new JavaDriver();
            case "browser" -> {
                BrowserDriver browser = BrowserDriver.start(Repo.path("clients-js"));
                PROCESSES.add(browser);
                yield browser;
            }
            case "node" -> agent("node", List.of("node", "agent.mjs", "--port", "0"), Repo.path("clients-js"));
            case "node-legacy" -> agent("node-legacy", List.of("node", "agent.mjs", "--port", "0", "--library", "legacy"), Repo.path("clients-js"));
            case "python" -> pythonAgent("python", List.of());
            case "python-sync" -> pythonAgent("python-sync", List.of("--client", "sync"));
            default -> throw new IllegalArgumentException("no driver for " + language);
        };
    }

    /** A server someone else started (docker/compose.yaml): {@code -Drpcws.jetty.ports=8080,8081}, on 127.0.0.1. */
    private static ServerUnderTest externalServer(String name, String ports) {
        String[] p = ports.split(",");
        int ws = Integer.parseInt(p[0].trim());
        int admin = Integer.parseInt(p[1].trim());
        awaitHttp(URI.create("http://127.0.0.1:" + admin + "/health"));
        return ServerUnderTest.inProcess(name, ws, admin, () -> { });
    }

    private static void awaitHttp(URI health) {
        HttpClient http = HttpClient.newHttpClient();
        Poll.until(health + " to answer", Duration.ofSeconds(60), () -> {
            try {
                return http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (java.io.IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /** The Python agent, hosting the asyncio client or, with {@code --client sync}, the blocking one. */
    private static ClientDriver pythonAgent(String language, List<String> options) {
        Path python = Repo.path("clients-python/.venv/bin/python");
        if (!Files.isExecutable(python)) throw new IllegalStateException(python + " is missing: run bash scripts/setup.sh");
        List<String> command = new ArrayList<>(List.of(python.toString(), "-m", "agent", "--port", "0"));
        command.addAll(options);
        // The agent is not part of the rpcws-client package: it runs from clients-python/ (agent/).
        return agent(language, command, Repo.path("clients-python"));
    }

    private static ClientDriver agent(String language, List<String> command, Path dir) {
        LaunchedProcess p = LaunchedProcess.start(language + "-agent", command, dir, AGENT_READY, AGENT_START);
        PROCESSES.add(p);
        return new AgentDriver(language, "local process", URI.create("http://127.0.0.1:" + p.ready(1)));
    }
}
