package dev.rpcws.testkit;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Debian's {@code redis-server} on 127.0.0.1 with nothing persisted, as the cluster's broker. It keeps its port
 * across {@link #restart()}, so nodes reconnect to the same address; {@link #freeze()} makes it a hung peer.
 */
public final class RedisProcess implements Cluster.Redis, AutoCloseable {
    private static final Pattern READY = Pattern.compile("Ready to accept connections");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final int port;
    private final String name;
    private LaunchedProcess process;

    private RedisProcess(int port, String name) {
        this.port = port;
        this.name = name;
        this.process = launch();
    }

    /** On a free port. */
    public static RedisProcess start() {
        return start(Ports.free());
    }

    public static RedisProcess start(int port) {
        return new RedisProcess(port, "redis-" + port);
    }

    private LaunchedProcess launch() {
        List<String> cmd = List.of(Tools.require("redis-server"), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no");
        return LaunchedProcess.start(name, cmd, Repo.root(), READY, START_TIMEOUT);
    }

    @Override public int port() {
        return port;
    }

    @Override public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills it (SIGKILL, as a crash) and leaves it down until {@link #restart()}. */
    @Override public void kill() {
        process.kill();
    }

    /** Starts it again on the same port, empty, after {@link #kill()}. */
    @Override public void restart() {
        if (process.isAlive()) process.kill();
        process = launch();
    }

    /** SIGSTOP: connections stay open, nothing is answered. */
    @Override public void freeze() {
        process.pause();
    }

    /** SIGCONT. */
    @Override public void thaw() {
        process.resume();
    }

    public LaunchedProcess process() {
        return process;
    }

    @Override public void close() {
        process.close();
    }

    @Override public String toString() {
        return "redis-server on port " + port;
    }
}
