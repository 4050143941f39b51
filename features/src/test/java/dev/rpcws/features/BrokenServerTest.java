package dev.rpcws.features;

import dev.rpcws.features.report.Run;
import dev.rpcws.features.report.ScenarioResult;
import dev.rpcws.protocol.RpcException;
import dev.rpcws.server.RpcServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The suite can fail: against a Jetty server whose {@code throwsSrvError} answers the wrong error code, exactly
 * the scenario about custom error codes turns red, for every client language, and nothing else does.
 */
class BrokenServerTest {
    private static final String BROKEN_SCENARIO = "A server error with its own code and data";

    @AfterAll static void stop() {
        Interop.shutdown();
    }

    @Test
    void aWrongErrorCodeTurnsExactlyItsCellsRed() {
        Interop.useJetty(() -> {
            RpcServer server = Interop.compatJetty();
            server.register("throwsSrvError", (params, ctx) -> {
                throw new RpcException(-32099, "Server error", "Server error details");
            });
            return server;
        });
        List<ScenarioResult> results = new ArrayList<>();
        for (String client : List.of("java", "node", "python")) results.addAll(CucumberRun.execute(new Run(client, "jetty"), "broken-"));

        List<ScenarioResult> red = results.stream().filter(ScenarioResult::bad).toList();
        assertThat(red).extracting(ScenarioResult::scenario).containsOnly(BROKEN_SCENARIO);
        assertThat(red).extracting(r -> r.run().client()).containsExactlyInAnyOrder("java", "node", "python");
        assertThat(red).allSatisfy(r -> assertThat(r.detail()).contains("-32050").contains("-32099"));
        assertThat(results).filteredOn(r -> !r.scenario().equals(BROKEN_SCENARIO))
                .allSatisfy(r -> assertThat(r.cell()).isIn(ScenarioResult.Cell.PASS, ScenarioResult.Cell.NOT_APPLICABLE));
    }
}
