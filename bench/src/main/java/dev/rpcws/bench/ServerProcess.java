package dev.rpcws.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under benchmark as its own process, started the way users start it, which prints
 * {@code listening ws=<port> admin=<port>}: the Jetty server's jar or the Node reference server.
 * Its output goes to {@code bench/target/logs/<name>.log}.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening ws=(\\d+) admin=(\\d+)");

    final String name;
    final int port;
    final int adminPort;
    private final Process process;

    private ServerProcess(String name, Process process, int port, int adminPort) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.adminPort = adminPort;
    }

    /** {@code java <jvmFlags> -jar server/target/rpcws-server.jar --port 0 --admin-port 0 --fixture compat <options>}. */
    static ServerProcess jetty(Path repo, Path jar, List<String> jvmFlags, List<String> options) {
        if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " is missing: build it first (bash bench/run.sh does)");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-jar", jar.toString(), "--port", "0", "--admin-port", "0", "--fixture", "compat"));
        cmd.addAll(options);
        return start("jetty", cmd, repo, repo);
    }

    /** {@code node clients-js/reference-server.mjs --port 0 --admin-port 0}: the canonical rpc-websockets 10.0.1 Server. */
    static ServerProcess node(Path repo) {
        if (!Files.isDirectory(repo.resolve("clients-js/node_modules/rpc-websockets"))) {
            throw new IllegalStateException("clients-js is not installed: run bash scripts/setup.sh");
        }
        return start("node", List.of("node", "reference-server.mjs", "--port", "0", "--admin-port", "0"), repo.resolve("clients-js"), repo);
    }

    private static ServerProcess start(String name, List<String> cmd, Path dir, Path repo) {
        try {
            Path logs = Files.createDirectories(repo.resolve("bench/target/logs"));
            Path log = logs.resolve(name + ".log");
            Files.writeString(log, "$ " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            CompletableFuture<Matcher> ready = new CompletableFuture<>();
            Thread pump = new Thread(() -> pump(p, log, ready), name + "-stdout");
            pump.setDaemon(true);
            pump.start();
            Matcher m;
            try {
                m = ready.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
                throw new IllegalStateException(name + " server did not start; see " + log, e);
            }
            return new ServerProcess(name, p, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    private static void pump(Process p, Path log, CompletableFuture<Matcher> ready) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                Matcher m = LISTENING.matcher(line);
                if (!ready.isDone() && m.find()) ready.complete(m);
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            ready.completeExceptionally(new IllegalStateException("the process ended before printing its start-up line"));
        }
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
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
