package dev.rpcws.features.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.features.Applicability;
import dev.rpcws.features.Interop;
import dev.rpcws.protocol.Json;
import dev.rpcws.testkit.AdminClient;
import io.cucumber.java.After;
import io.cucumber.java.Before;
import io.cucumber.java.ParameterType;
import io.cucumber.java.Scenario;
import io.cucumber.java.Status;
import org.opentest4j.TestAbortedException;

import static org.assertj.core.api.Assertions.assertThat;

public final class Hooks {
    private final ScenarioContext context;
    private long[] connectionsBefore;

    public Hooks(ScenarioContext context) {
        this.context = context;
    }

    /** A scenario that does not apply to this client and server is skipped with its reason (shown as n/a). */
    @Before(order = 0)
    public void skipWhereNotApplicable(Scenario scenario) {
        context.scenario = scenario;
        String reason = Applicability.reasonNotApplicable(scenario.getSourceTagNames(), Interop.current());
        if (reason != null) throw new TestAbortedException(reason);
    }

    /** In the cluster row every scenario that applies starts on the whole cluster, whatever the one before it killed or drained. */
    @Before(order = 2)
    public void wholeCluster(Scenario scenario) {
        if (!Interop.clusterRun() || Applicability.reasonNotApplicable(scenario.getSourceTagNames(), Interop.current()) != null) return;
        Interop.cluster().restore();
    }

    @After
    public void cleanUp() {
        context.cleanUp();
    }

    /** Against the permessage-deflate server, counts the connections before the scenario ... */
    @Before(order = 1)
    public void countConnections() {
        if (compressedRun()) connectionsBefore = connectionCounts();
    }

    /** ... and after it: every connection it opened must have negotiated compression. */
    @After(order = 1)
    public void everyConnectionWasCompressed(Scenario scenario) {
        if (!compressedRun() || scenario.getStatus() == Status.SKIPPED) return;
        long[] now = connectionCounts();
        long opened = now[0] - connectionsBefore[0];
        long compressed = now[1] - connectionsBefore[1];
        assertThat(opened).as("connections this scenario opened").isPositive();
        assertThat(compressed).as("of the %d connections this scenario opened, those that negotiated permessage-deflate", opened).isEqualTo(opened);
    }

    private static boolean compressedRun() {
        return Interop.current().server().equals(Interop.JETTY_DEFLATE);
    }

    private static long[] connectionCounts() {
        AdminClient admin = Interop.server().admin();
        return new long[] {(long) admin.metric("rpcws_connections_opened_total"), (long) admin.metric("rpcws_connections_compressed_total")};
    }

    /** JSON written inline in a step: an array, an object, a string, a number, true, false or null. */
    @ParameterType(name = "json", value = "\\[.*\\]|\\{.*\\}|\"(?:[^\"\\\\]|\\\\.)*\"|-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?|true|false|null")
    public JsonNode json(String text) throws Json.JsonSyntaxException {
        return Json.parse(text);
    }

    /** Who acts: "the client" (the client of the run) or a named client ("Alice"). */
    @ParameterType(name = "actor", value = "the client|[A-Z][a-z]+")
    public String actor(String name) {
        return name;
    }
}
