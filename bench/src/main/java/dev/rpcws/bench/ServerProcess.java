package dev.rpcws.bench;

import dev.rpcws.testkit.LaunchedProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A server under benchmark as its own process, started the way users start it, which prints
 * {@code listening ws=<port> admin=<port>}: the Jetty server's jar or the Node reference server.
 * Started by the project's one process launcher; its output goes to {@code target/test-logs/<name>-bench-server.log}.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening ws=(\\d+) admin=(\\d+)");

    final String name;
    final int port;
    final int adminPort;
    private final LaunchedProcess process;

    private ServerProcess(String name, LaunchedProcess process, int port, int adminPort) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.adminPort = adminPort;
    }

    /**
     * {@code nice -n <nice> java <jvmFlags> -jar server/target/rpcws-server.jar --port 0 --admin-port 0 --fixture compat <options>}.
     */
    static ServerProcess jetty(Path repo, int nice, Path jar, List<String> jvmFlags, List<String> options) {
        if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " is missing: build it first (bash bench/run.sh does)");
        List<String> cmd = new ArrayList<>(niced(nice));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-jar", jar.toString(), "--port", "0", "--admin-port", "0", "--fixture", "compat"));
        cmd.addAll(options);
        return start("jetty", cmd, repo, repo);
    }

    /** {@code nice -n <nice> node clients-js/reference-server.mjs --port 0 --admin-port 0}: the canonical rpc-websockets 10.0.1 Server. */
    static ServerProcess node(Path repo, int nice) {
        if (!Files.isDirectory(repo.resolve("clients-js/node_modules/rpc-websockets"))) {
            throw new IllegalStateException("clients-js is not installed: run bash scripts/setup.sh");
        }
        List<String> cmd = new ArrayList<>(niced(nice));
        cmd.addAll(List.of("node", "reference-server.mjs", "--port", "0", "--admin-port", "0"));
        return start("node", cmd, repo.resolve("clients-js"), repo);
    }

    /**
     * With {@code --server-nice N}, the server runs N steps below the load generator: the generator, which stands
     * in for clients on other machines, then gets the CPU whenever it is ready (bench/README.md, "Priority").
     * {@code nice} replaces itself with the server: same pid.
     */
    private static List<String> niced(int nice) {
        return nice == 0 ? List.of() : List.of("nice", "-n", Integer.toString(nice));
    }

    private static ServerProcess start(String name, List<String> cmd, Path dir, Path repo) {
        LaunchedProcess p = LaunchedProcess.start(name + "-bench-server", cmd, dir, LISTENING, Duration.ofSeconds(30));
        return new ServerProcess(name, p, Integer.parseInt(p.ready(1)), Integer.parseInt(p.ready(2)));
    }

    long pid() {
        return process.pid();
    }

    long cpuNanos() {
        return Proc.cpuNanos(process.pid());
    }

    long rssBytes() {
        return Proc.rssBytes(process.pid());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, then SIGKILL after 5 s. */
    @Override public void close() {
        process.close();
    }
}
