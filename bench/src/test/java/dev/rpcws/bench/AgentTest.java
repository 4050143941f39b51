package dev.rpcws.bench;

import dev.rpcws.server.RpcServer;
import dev.rpcws.server.ServerOptions;
import dev.rpcws.server.fixture.CompatFixture;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.Repo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Both generators, each as the process the benchmark starts, answer the same control requests against the
 * Jetty server: calls with a histogram and CPU readings, subscriptions, fan-out rounds, source addresses of
 * their own, pings answered while they wait for the next request, and an exit when the benchmark goes away.
 */
class AgentTest {
    private static final long SELF = ProcessHandle.current().pid();

    @ParameterizedTest
    @EnumSource(Agent.Kind.class)
    void aGeneratorProcessDrivesTheServerAndReportsWhatItMeasured(Agent.Kind kind) throws Exception {
        RpcServer server = new RpcServer(ServerOptions.builder().port(0).adminPort(0).pingInterval(Duration.ofMillis(100)).build());
        CompatFixture.install(server);
        server.start();
        Agent agent = Agent.start(kind, Repo.root(), System.getProperty("java.class.path"), kind.id + "-agent-test");
        try {
            Agent.Opened opened = agent.open("a", server.port(), 4, null, Duration.ofSeconds(20));
            assertThat(opened.opened()).isEqualTo(4);
            assertThat(opened.deflate()).as("rpcws declines deflate by default").isFalse();
            assertThat(agent.open("b", server.port(), 2, "127.0.1.7", Duration.ofSeconds(20)).opened())
                    .as("connections from a source address of their own").isEqualTo(2);

            // The server (this JVM) answers; its CPU is read from /proc/<pid>.
            CallRun run = agent.calls("a", 4, Duration.ofMillis(200), Duration.ofMillis(500), SELF);
            assertThat(run.calls()).isPositive();
            assertThat(run.errors()).isZero();
            assertThat(run.latencyNanos().getTotalCount()).isEqualTo(run.calls());
            assertThat(run.latencyMicros(50)).isPositive();
            assertThat(run.seconds()).isBetween(0.45, 2.0);
            assertThat(run.serverCpuNanos()).as("the server's CPU over the window").isPositive();
            assertThat(run.selfCpuNanos()).as("the generator's own CPU over the window").isPositive();

            assertThat(agent.subscribe("a", "newsUpdate", 3, Duration.ofSeconds(10))).isZero();
            for (int r = 1; r <= 3; r++) {
                FanOutRound round = agent.fanOut("a", server.adminPort(), "newsUpdate", r, "hello", Duration.ofSeconds(10), SELF);
                assertThat(round.complete()).as("round %d: %s", r, round).isTrue();
                assertThat(round.expected()).isEqualTo(3);
                assertThat(round.nanos()).isPositive().isLessThanOrEqualTo(round.elapsedNanos());
            }

            // Between requests the generator keeps answering the server's pings (100 ms apart here).
            long pongs = agent.stats().pongs();
            Poll.until("pongs to the server's pings", Duration.ofSeconds(10), () -> agent.stats().pongs() >= pongs + 6 * 2);
            Agent.Stats stats = agent.stats();
            assertThat(stats.open()).isEqualTo(6);
            assertThat(stats.errors()).isZero();

            agent.closeGroup("b");
            assertThat(agent.stats().open()).isEqualTo(4);
            assertThatThrownBy(() -> agent.open("c", server.port(), 1, "not an address", Duration.ofSeconds(5)))
                    .isInstanceOf(IllegalStateException.class);
        } finally {
            agent.close();
            server.close();
        }
        assertThat(agent.isAlive()).as("the generator exits with its control connection").isFalse();
    }

    /**
     * A generator that exits resets its connections first: sockets the kernel closes at exit would keep their
     * ports in TIME_WAIT for a minute, and the next step of the run, from the same source address, would find
     * its ports taken.
     */
    @ParameterizedTest
    @EnumSource(Agent.Kind.class)
    void anExitingGeneratorLeavesNoPortInTimeWait(Agent.Kind kind) throws Exception {
        String source = "127.0.3." + (10 + kind.ordinal());
        RpcServer server = new RpcServer(ServerOptions.builder().port(0).adminPort(-1).build());
        server.start();
        Agent agent = Agent.start(kind, Repo.root(), System.getProperty("java.class.path"), kind.id + "-agent-exit-test");
        try {
            assertThat(agent.open("idle", server.port(), 1_000, source, Duration.ofSeconds(60)).opened()).isEqualTo(1_000);
            agent.close();
            assertThat(agent.isAlive()).isFalse();
            Thread.sleep(200); // let the server see every close
            assertThat(timeWaitFrom(source)).as("ports of %s in TIME_WAIT", source).isZero();
        } finally {
            agent.close();
            server.close();
        }
    }

    /** TCP sockets in TIME_WAIT (state 06) whose local address is {@code ipv4}, from /proc/net/tcp. */
    private static long timeWaitFrom(String ipv4) throws IOException {
        String[] b = ipv4.split("\\.");
        String hex = String.format("%02X%02X%02X%02X:", Integer.parseInt(b[3]), Integer.parseInt(b[2]), Integer.parseInt(b[1]), Integer.parseInt(b[0]));
        try (var lines = Files.lines(Path.of("/proc/net/tcp"))) {
            return lines.skip(1).map(String::trim).map(l -> l.split("\\s+")).filter(f -> f[1].startsWith(hex) && f[3].equals("06")).count();
        }
    }
}
