package dev.rpcws.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Debian's HAProxy on 127.0.0.1 in front of rpcws nodes, configured from the project's template
 * ({@code deploy/haproxy.cfg}) exactly as {@code scripts/cluster.sh} configures it. Its log (health changes
 * of the nodes) is on stdout, kept in the process log.
 */
public final class HaproxyProcess implements Cluster.Balancer, AutoCloseable {
    /** With {@code -V} HAProxy prints this once its configuration is loaded (on stderr). */
    public static final Pattern READY = Pattern.compile("as the polling mechanism");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    /** A node behind the load balancer: clients go to its WebSocket port, health checks to its admin port. */
    public record Backend(String id, int port, int adminPort) {}

    private final int port;
    private final LaunchedProcess process;
    /** Where this run's output begins in the log, which earlier runs on the same port appended to. */
    private final long logStart;

    private HaproxyProcess(int port, LaunchedProcess process, long logStart) {
        this.port = port;
        this.process = process;
        this.logStart = logStart;
    }

    /** On a free port. */
    public static HaproxyProcess start(List<Backend> backends) {
        return start(Ports.free(), backends);
    }

    public static HaproxyProcess start(int port, List<Backend> backends) {
        String name = "haproxy-" + port;
        Path cfg = Repo.logs().resolve(name + ".cfg");
        try {
            Files.writeString(cfg, config(port, backends), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long logStart = size(Repo.logs().resolve(name + ".log"));
        LaunchedProcess p = LaunchedProcess.start(name, List.of(Tools.require("haproxy"), "-db", "-V", "-f", cfg.toString()),
                Repo.root(), READY, START_TIMEOUT);
        try {
            Poll.until("HAProxy accepting on 127.0.0.1:" + port, START_TIMEOUT, () -> accepts(port));
        } catch (AssertionError e) {
            p.close();
            throw e;
        }
        return new HaproxyProcess(port, p, logStart);
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The template with its port filled in and one {@code server} line per backend appended. */
    public static String config(int port, List<Backend> backends) {
        String template;
        try {
            template = Files.readString(Repo.path("deploy/haproxy.cfg"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder cfg = new StringBuilder(template.replace("@LB_PORT@", Integer.toString(port)));
        for (Backend b : backends) {
            cfg.append("    server ").append(b.id()).append(" 127.0.0.1:").append(b.port())
                    .append(" check port ").append(b.adminPort()).append('\n');
        }
        return cfg.toString();
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override public int port() {
        return port;
    }

    /** This run's part of its log file (earlier runs on the same port wrote theirs before it). */
    @Override public String log() {
        try {
            byte[] all = Files.readAllBytes(process.log());
            return new String(all, (int) Math.min(logStart, all.length), (int) Math.max(0, all.length - logStart), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public LaunchedProcess process() {
        return process;
    }

    @Override public void close() {
        process.close();
    }

    @Override public String toString() {
        return "HAProxy on port " + port;
    }
}
