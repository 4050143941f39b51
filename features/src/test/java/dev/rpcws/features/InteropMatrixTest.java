package dev.rpcws.features;

import dev.rpcws.features.report.About;
import dev.rpcws.features.report.Matrix;
import dev.rpcws.features.report.MatrixRecorder;
import dev.rpcws.features.report.Run;
import dev.rpcws.features.report.ScenarioResult;
import dev.rpcws.features.report.TerminalReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.testcontainers.DockerClientFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interop matrix: every client scenario for each client x server, then the per-server scenarios for each
 * server. One test per run: a run fails when any applicable scenario in it fails. Writes
 * target/compat-matrix.md and .html (the full tables) and, line by line as the runs finish,
 * target/compat-matrix.txt (the terminal form that scripts/interop.sh shows). Clients: java, node, python,
 * python-sync (the blocking Python client, the same agent), node-legacy (the npm Client 7.7.0) and browser (the
 * npm browser bundle in headless Chromium). Narrow it with -Drpcws.clients=java,node and -Drpcws.servers=jetty, and
 * per server with -Drpcws.clients.cluster=java; run the agents in containers with -Drpcws.agents=container and the
 * cluster with -Drpcws.cluster=container (and -Drpcws.matrix.name=compat-matrix-containers).
 */
class InteropMatrixTest {
    private static final List<String> SERVERS = Interop.servers();
    /** Every client of the run: those of {@code -Drpcws.clients}, then those only some servers add. */
    private static final List<String> CLIENTS = SERVERS.stream().flatMap(server -> Interop.clients(server).stream()).distinct().toList();
    private static final String NAME = System.getProperty("rpcws.matrix.name", "compat-matrix");
    private static final Path TERMINAL = CucumberRun.REPORTS.resolve(NAME + ".txt");

    @AfterAll static void stop() {
        Interop.shutdown();
    }

    @TestFactory Stream<DynamicTest> matrix() {
        if (Interop.containerAgents() || SERVERS.contains(Interop.CLUSTER) && ClusterServer.inContainers()) {
            Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                    "no Docker-compatible engine (set DOCKER_HOST, see scripts/container-engine.sh): the container mode is skipped");
        }
        List<Run> runs = new ArrayList<>();
        for (String server : SERVERS) for (String client : Interop.clients(server)) runs.add(new Run(client, server));
        for (String server : SERVERS) runs.add(new Run(Run.ANY, server));
        List<ScenarioResult> all = new ArrayList<>();
        Map<Run, Long> runMillis = new LinkedHashMap<>();
        Instant started = Instant.now();
        long start = System.nanoTime();
        int clientRuns = runs.size() - SERVERS.size();
        startTerminal(runs.size() + " runs: " + (clientRuns == CLIENTS.size() * SERVERS.size()
                ? count(CLIENTS.size(), "client") + " x " + count(SERVERS.size(), "server")
                : clientRuns + " of " + count(CLIENTS.size(), "client") + " x " + count(SERVERS.size(), "server")) + ", then the server-only scenarios");
        Stream<DynamicTest> perRun = runs.stream().map(run -> DynamicTest.dynamicTest(run.label(), () -> {
            long runStart = System.nanoTime();
            List<ScenarioResult> cells = CucumberRun.execute(run);
            long millis = (System.nanoTime() - runStart) / 1_000_000;
            runMillis.put(run, millis);
            all.addAll(cells);
            say(TerminalReport.progress(runMillis.size(), runs.size(), run, cells, millis));
            assertThat(cells).as("scenarios run for " + run.label()).isNotEmpty();
            assertThat(cells.stream().filter(ScenarioResult::bad).map(f -> f.scenario() + " (" + f.location() + "): " + f.detail()))
                    .as("failing scenarios for " + run.label()).isEmpty();
        }));
        DynamicTest report = DynamicTest.dynamicTest("compatibility matrix report", () -> {
            Map<String, String> clients = new LinkedHashMap<>();
            for (String client : CLIENTS) clients.put(client, Interop.driver(client).runtime());
            About about = new About(started, Interop.commit(), (System.nanoTime() - start) / 1_000_000_000L, clients, Interop.versions(SERVERS));
            Matrix matrix = new Matrix(runs, all, runMillis, MatrixRecorder.featureDescriptions(), about);
            matrix.write(CucumberRun.REPORTS, NAME);
            say("");
            TerminalReport.summary(matrix).forEach(InteropMatrixTest::say);
            assertThat(matrix.failures()).as("failing cells").isEmpty();
        });
        return Stream.concat(perRun, Stream.of(report));
    }

    private static void startTerminal(String firstLine) {
        try {
            Files.createDirectories(TERMINAL.getParent());
            Files.writeString(TERMINAL, "", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        say(firstLine);
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** One line of the terminal form: appended to target/compat-matrix.txt at once, and to the test's output. */
    private static void say(String line) {
        System.out.println(line);
        try {
            Files.writeString(TERMINAL, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
