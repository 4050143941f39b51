package dev.rpcws.features;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interop matrix: every client scenario for each client language x server, then the per-server
 * scenarios for each server; writes target/compat-matrix.md and .html. One test per run: a run fails when any
 * applicable scenario in it fails. Clients: java, node, python, node-legacy (the npm Client 7.7.0) and browser (the
 * npm browser bundle in headless Chromium). Narrow it with -Drpcws.clients=java,node and -Drpcws.servers=jetty; run the
 * agents in containers with -Drpcws.agents=container (and -Drpcws.matrix.name=compat-matrix-containers).
 */
class InteropMatrixTest {
    private static final List<String> CLIENTS = list("rpcws.clients", "java,node,python,node-legacy,browser");
    private static final List<String> SERVERS = list("rpcws.servers", "jetty,node");

    @AfterAll static void stop() {
        Interop.shutdown();
    }

    @TestFactory Stream<DynamicTest> matrix() {
        if (Interop.containerAgents()) {
            Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                    "no Docker-compatible engine (set DOCKER_HOST, see scripts/container-engine.sh): the container mode is skipped");
        }
        List<Run> runs = new ArrayList<>();
        for (String client : CLIENTS) for (String server : SERVERS) runs.add(new Run(client, server));
        for (String server : SERVERS) runs.add(new Run(Run.ANY, server));
        List<ScenarioResult> all = new ArrayList<>();
        Map<Run, Long> runMillis = new LinkedHashMap<>();
        long start = System.nanoTime();
        Stream<DynamicTest> perRun = runs.stream().map(run -> DynamicTest.dynamicTest(run.label(), () -> {
            long runStart = System.nanoTime();
            List<ScenarioResult> cells = CucumberRun.execute(run);
            runMillis.put(run, (System.nanoTime() - runStart) / 1_000_000);
            all.addAll(cells);
            assertThat(cells).as("scenarios run for " + run.label()).isNotEmpty();
            assertThat(cells.stream().filter(ScenarioResult::bad).map(f -> f.scenario() + " (" + f.location() + "): " + f.detail()))
                    .as("failing scenarios for " + run.label()).isEmpty();
        }));
        DynamicTest report = DynamicTest.dynamicTest("compatibility matrix report", () -> {
            Map<String, String> runtimes = new LinkedHashMap<>();
            for (String client : CLIENTS) runtimes.put(client, Interop.driver(client).runtime());
            Matrix matrix = new Matrix(runs, runtimes, all, runMillis, (System.nanoTime() - start) / 1_000_000_000L);
            matrix.write(CucumberRun.REPORTS, System.getProperty("rpcws.matrix.name", "compat-matrix"));
            System.out.println(matrix.markdown());
            assertThat(matrix.failures()).as("failing cells").isEmpty();
        });
        return Stream.concat(perRun, Stream.of(report));
    }

    private static List<String> list(String property, String fallback) {
        return Arrays.stream(System.getProperty(property, fallback).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
