package dev.rpcws.client.support;

import dev.rpcws.testkit.LaunchedProcess;
import dev.rpcws.testkit.Repo;
import dev.rpcws.testkit.ServerUnderTest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The Jetty server's command line ({@code ServerMain}) in a process of its own, started from this test
 * class path rather than from the shaded jar, which another module's build may be rewriting meanwhile.
 * A process can be paused (SIGSTOP), which an in-process server cannot.
 */
public final class JettyProcess implements ServerUnderTest {
    private static final Pattern LISTENING = Pattern.compile("listening ws=(\\d+) admin=(-?\\d+)");

    private final LaunchedProcess process;

    private JettyProcess(LaunchedProcess process) {
        this.process = process;
    }

    public static JettyProcess start(int port) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-cp", System.getProperty("java.class.path"), "dev.rpcws.server.cli.ServerMain",
                "--port", Integer.toString(port), "--admin-port", "0", "--fixture", "compat");
        return new JettyProcess(LaunchedProcess.start("sdk-jetty-server", cmd, Repo.root(), LISTENING, Duration.ofSeconds(30)));
    }

    public LaunchedProcess process() {
        return process;
    }

    @Override public String name() { return "jetty"; }
    @Override public int port() { return Integer.parseInt(process.ready(1)); }
    @Override public int adminPort() { return Integer.parseInt(process.ready(2)); }

    @Override public void close() {
        process.close();
    }

    @Override public String toString() {
        return "jetty server process on port " + port();
    }
}
