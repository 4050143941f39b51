package dev.rpcws.bench;

import dev.rpcws.testkit.LaunchedProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A server under benchmark as its own process, started the way users start it, which prints
 * {@code listening ws=<port> admin=<port>}: the Jetty server's jar, the Node reference server, or the floor.
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

    /** {@code nice -n <nice> java <jvmFlags> -cp <bench jar> dev.rpcws.bench.FloorServer}: the machine's floor (bench/README.md). */
    static ServerProcess floor(Path repo, int nice, Path benchJar, List<String> jvmFlags) {
        List<String> cmd = new ArrayList<>(niced(nice));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", benchJar.toString(), FloorServer.class.getName()));
        return start("floor", cmd, repo, repo);
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

    @Override public String toString() {
        return name + " server (pid " + pid() + ")";
    }

    long cpuNanos() {
        return Proc.cpuNanos(process.pid());
    }

    /** A counter of the process's CPU time to the nanosecond, from its threads ({@link Proc.ThreadsCpu}). */
    Proc.ThreadsCpu threadsCpu() {
        return new Proc.ThreadsCpu(process.pid());
    }

    long rssBytes() {
        return Proc.rssBytes(process.pid());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Whether this is a JVM ({@code jcmd} works on it): the Jetty server and the floor. */
    boolean isJava() {
        return !name.equals("node");
    }

    /** {@code jcmd <pid> <command...>}: its output; fails unless it exits 0 within 60 s. */
    String jcmd(String... command) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid())));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("jcmd " + String.join(" ", command) + " took over 60 s");
            }
            String text = new String(output.join(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + text);
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Bytes of live objects on the heap: {@code jcmd GC.class_histogram} (which collects first), its total. */
    long liveHeapBytes() {
        return ClassHistogram.totalBytes(jcmd("GC.class_histogram"));
    }

    /** SIGTERM, then SIGKILL after 5 s. */
    @Override public void close() {
        process.close();
    }
}
