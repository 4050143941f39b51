package dev.rpcws.features;

import dev.rpcws.features.report.Run;
import dev.rpcws.features.report.ScenarioResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster row can fail: on a cluster whose nodes pass no event to one another (each node's broker on a Redis
 * database of its own, so three separate clusters behind one load balancer), every scenario in which an event is
 * emitted turns red, since the suite emits from a node that holds none of the scenario's connections, and every
 * other scenario stays green. With the Java SDK, on the features with events and calls.feature (no event: all green),
 * leaving out the scenarios that kill, drain or restart (their emits come from the same choice of node as the rest;
 * a restart costs a JVM start); the healthy cluster runs them all green in the matrix. With
 * {@code -Drpcws.cluster=container} the broken cluster runs in containers, as the container mode's.
 */
class BrokenClusterTest {
    /** A step in which the server, a node, or the harness on another node emits an event. */
    private static final Pattern EMITS = Pattern.compile("\\bemit(s|ted)\\b");

    @AfterAll static void stop() {
        Interop.shutdown();
    }

    @Test
    void nodesThatPassNoEventOnTurnExactlyTheScenariosWithEventsRed() {
        Interop.useCluster(() -> ClusterServer.start(ClusterServer.newCluster(id -> Integer.parseInt(id.substring(1)))));
        List<ScenarioResult> results = CucumberRun.execute(new Run("java", Interop.CLUSTER), "broken-", "not @signals-servers",
                "events.feature", "cluster.feature", "calls.feature");

        List<ScenarioResult> applicable = results.stream().filter(r -> r.cell() != ScenarioResult.Cell.NOT_APPLICABLE).toList();
        assertThat(applicable).filteredOn(BrokenClusterTest::emitsAnEvent).as("scenarios with an event").hasSizeGreaterThan(9)
                .allSatisfy(r -> assertThat(r.cell()).as(r.run().client() + ": " + r.scenario() + " (" + r.location() + ")").isEqualTo(ScenarioResult.Cell.FAIL));
        assertThat(applicable).filteredOn(r -> !emitsAnEvent(r)).as("scenarios without an event").hasSizeGreaterThan(15)
                .allSatisfy(r -> assertThat(r.cell()).as(r.run().client() + ": " + r.scenario() + " " + r.detail()).isEqualTo(ScenarioResult.Cell.PASS));
    }

    /** Whether a step of the cell's scenario (of its outline, for an example) emits an event. */
    private static boolean emitsAnEvent(ScenarioResult r) {
        String[] at = r.location().substring("features/scenarios/".length()).split(":");
        List<String> lines;
        try {
            lines = Files.readAllLines(CucumberRun.SCENARIOS.resolve(at[0]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = Integer.parseInt(at[1]) - 1;
        while (!lines.get(start).trim().startsWith("Scenario")) start--;
        for (int i = start + 1; i < lines.size(); i++) {
            String step = lines.get(i).trim();
            if (step.startsWith("Scenario") || step.startsWith("Examples") || step.startsWith("@")) break;
            if (EMITS.matcher(step).find()) return true;
        }
        return false;
    }
}
