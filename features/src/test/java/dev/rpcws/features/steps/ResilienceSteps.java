package dev.rpcws.features.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.features.Applicability;
import dev.rpcws.features.Interop;
import dev.rpcws.protocol.Json;
import dev.rpcws.testkit.AdminClient;
import dev.rpcws.testkit.Cluster;
import dev.rpcws.testkit.Poll;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Heartbeats, restarts and frozen servers. "A fresh server" is a server this scenario may restart, kill or freeze:
 * a process of its own, or in the cluster row, where only the freeze scenario runs, the node the client landed on
 * behind the load balancer (the cluster is made whole again before the next scenario).
 */
public final class ResilienceSteps {
    private static final Duration RECONNECT_WAIT = Duration.ofSeconds(15);
    private final ScenarioContext context;
    private long frozenAt;

    public ResilienceSteps(ScenarioContext context) {
        this.context = context;
    }

    private static ObjectNode reconnectingOptions() {
        // Reconnect quickly and without limit: a restarting Jetty process is away for about a second.
        return ScenarioContext.options().put("reconnect", true).put("reconnectInterval", 100).put("maxReconnects", 0);
    }

    @Given("a client connected to a fresh server")
    public void clientOnFreshServer() {
        connectToAServerOfItsOwn(reconnectingOptions());
    }

    @Given("a client that pings every {int} ms and gives up after {int} ms without a pong, connected to a fresh server")
    public void pingingClientOnFreshServer(int interval, int timeout) {
        connectToAServerOfItsOwn(reconnectingOptions().put("pingIntervalMs", interval).put("pongTimeoutMs", timeout));
    }

    private void connectToAServerOfItsOwn(ObjectNode options) {
        if (!Interop.clusterRun()) context.freshServer = Interop.freshServer(0);
        context.connect("the client", Interop.current().client(), "/", options);
    }

    /** In the cluster row: the client's node, to freeze and thaw. */
    private Cluster.Node clientNode() {
        return context.nodeOf(context.actor("the client"));
    }

    private AdminClient clientServerAdmin() {
        return context.adminOf(context.actor("the client"));
    }

    // ---- server heartbeats ----

    @When("the server has pinged it {int} times")
    public void serverPinged(int times) {
        long start = System.nanoTime();
        AdminClient server = clientServerAdmin();
        double pongs = server.metric("rpcws_pongs_received_total");
        Duration idle = Interop.PING_INTERVAL.multipliedBy(times);
        Poll.until(times + " ping intervals with pongs", idle.plusSeconds(5),
                () -> System.nanoTime() - start >= idle.toNanos() && server.metric("rpcws_pongs_received_total") - pongs >= times);
    }

    @Then("the client is still connected")
    public void stillConnected() {
        ScenarioContext.Actor a = context.actor("the client");
        assertThat(clientServerAdmin().connections("/")).contains(a.socketId);
        JsonNode out = a.session.call("sum", Json.array().add(1).add(2), null);
        assertThat(Json.write(out)).isEqualTo("{\"result\":3}");
    }

    @When("{actor} stops reading its socket")
    public void stopsReading(String actor) {
        context.actor(actor).session.pause();
        frozenAt = System.nanoTime();
    }

    @Then("the server drops the client within {int} ms")
    public void serverDrops(int ms) {
        String id = context.actor("the client").socketId;
        AdminClient server = clientServerAdmin();
        Poll.until("the server to drop " + id, Duration.ofMillis(ms), () -> !server.connections("/").contains(id));
    }

    // ---- frozen servers ----

    @When("the server process freezes")
    public void freezes() {
        if (Interop.clusterRun()) {
            context.frozen = clientNode();
            context.log("the client's node " + context.frozen.id() + " freezes");
            context.frozen.freeze();
        } else {
            context.freshServer.process().pause();
        }
        frozenAt = System.nanoTime();
    }

    @When("the server process thaws")
    public void thaws() {
        if (Interop.clusterRun()) {
            context.frozen.thaw();
            context.frozen = null;
        } else {
            context.freshServer.process().resume();
        }
    }

    @Then("the client notices the dead connection within {int} ms")
    public void noticesDeadConnection(int ms) {
        List<JsonNode> log = context.actor("the client").session.lifecycle("close", 1, Duration.ofMillis(ms));
        long took = (System.nanoTime() - frozenAt) / 1_000_000;
        assertThat(log.stream().anyMatch(e -> e.path("type").asText().equals("close"))).as("a close within " + ms + " ms; log " + log).isTrue();
        assertThat(took).as("ms until the close was seen").isLessThanOrEqualTo(ms);
    }

    // ---- restarts ----

    @When("the server restarts")
    public void restarts() {
        int port = context.freshServer.port();
        context.freshServer.close();
        context.freshServer = null;
        context.freshServer = Interop.freshServer(port);
    }

    @When("the server dies")
    public void dies() {
        context.freshServer.process().kill();
    }

    @Then("the client reconnects")
    public void reconnects() {
        ScenarioContext.Actor a = context.actor("the client");
        List<JsonNode> log = a.session.lifecycle("open", 2, RECONNECT_WAIT);
        assertThat(log.stream().filter(e -> e.path("type").asText().equals("open")).count()).as("opens in " + log).isGreaterThanOrEqualTo(2);
        if (!Applicability.npmClient(a.language)) {
            // The rpcws clients announce a reconnect once login and subscriptions are restored.
            log = a.session.lifecycle("reconnected", 1, RECONNECT_WAIT);
            assertThat(log.stream().anyMatch(e -> e.path("type").asText().equals("reconnected"))).as("reconnected in " + log).isTrue();
        }
        Poll.until("the client to be connected", RECONNECT_WAIT, () -> a.session.state().equals("connected"));
    }

    @When("{actor} starts calling {string} with {json}")
    public void startsCalling(String actor, String method, JsonNode params) {
        ScenarioContext.Actor a = context.actor(actor);
        context.pending = CompletableFuture.supplyAsync(() -> a.session.call(method, params, Duration.ofSeconds(30)));
        // A round trip issued after it puts the slow call on the wire before the server goes (clients send in order).
        JsonNode probe = a.session.call("sum", Json.array().add(1).add(2), null);
        assertThat(probe.has("result")).as("probe call " + probe).isTrue();
        assertThat(context.pending).as("the slow call is still pending").isNotDone();
    }

    @Then("the pending call fails with a connection error within {int} ms")
    public void pendingFails(int ms) throws Exception {
        JsonNode out = context.pending.get(ms, TimeUnit.MILLISECONDS);
        assertThat(out.path("error").path("kind").asText()).as("pending call -> " + out).isEqualTo("connection");
    }
}
