package dev.rpcws.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A server under test running as its own process and printing {@code listening ws=<port> admin=<port>}:
 * the Node reference server ({@code clients-js/reference-server.mjs}) or the Jetty server's runnable jar.
 */
public final class ProcessServer implements ServerUnderTest {
    private static final Pattern LISTENING = Pattern.compile("listening ws=(\\d+) admin=(-?\\d+)");
    /**
     * A cold JVM on a loaded 2-core machine can take this long: one node of the runnable jar that loads Lettuce and
     * Netty for its broker took 40 s alone at a load of 20, and a cluster starts three at once.
     */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(150);

    private final String name;
    private final LaunchedProcess process;
    private final int port;
    private final int adminPort;

    private ProcessServer(String name, LaunchedProcess process) {
        this.name = name;
        this.process = process;
        this.port = Integer.parseInt(process.ready(1));
        this.adminPort = Integer.parseInt(process.ready(2));
    }

    /** The canonical npm rpc-websockets 10.0.1 Server with the compat fixture; {@code port} 0 picks a free port. */
    public static ProcessServer node(int port) {
        if (!java.nio.file.Files.isDirectory(Repo.path("clients-js/node_modules/rpc-websockets"))) {
            throw new IllegalStateException("clients-js is not installed: run 'npm ci' in " + Repo.path("clients-js"));
        }
        List<String> cmd = List.of("node", "reference-server.mjs", "--port", Integer.toString(port), "--admin-port", "0");
        return new ProcessServer("node", LaunchedProcess.start("node-reference-server", cmd, Repo.path("clients-js"), LISTENING, START_TIMEOUT));
    }

    /** The Jetty server's runnable jar with the compat fixture and extra CLI options (e.g. {@code --ping-interval 200}). */
    public static ProcessServer jetty(int port, String... options) {
        return jetty("jetty-server", port, 0, List.of(options));
    }

    /**
     * The same, logging to {@code <name>.log}, with the admin API on {@code adminPort} (0: a free one): a cluster
     * node restarted on the ports it had keeps its place behind the load balancer.
     */
    public static ProcessServer jetty(String name, int port, int adminPort, List<String> options) {
        var jar = Repo.path("server/target/rpcws-server.jar");
        if (!java.nio.file.Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with ./mvnw -q -B -DskipTests package -pl server -am");
        }
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-jar", jar.toString(), "--port", Integer.toString(port),
                "--admin-port", Integer.toString(adminPort), "--fixture", "compat"));
        cmd.addAll(options);
        return new ProcessServer("jetty", LaunchedProcess.start(name, cmd, Repo.root(), LISTENING, START_TIMEOUT));
    }

    private static String javaBinary() {
        return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override public String name() { return name; }
    @Override public int port() { return port; }
    @Override public int adminPort() { return adminPort; }

    public LaunchedProcess process() {
        return process;
    }

    @Override public void close() {
        process.close();
    }

    @Override public String toString() {
        return name + " server on port " + port;
    }
}
