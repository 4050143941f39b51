package dev.rpcws.features.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.features.ClusterServer;
import dev.rpcws.features.Interop;
import dev.rpcws.features.drivers.ClientSession;
import dev.rpcws.protocol.Json;
import dev.rpcws.server.RpcServer;
import dev.rpcws.server.ServerOptions;
import dev.rpcws.server.cluster.BrokerAddress;
import dev.rpcws.server.fixture.CompatFixture;
import dev.rpcws.testkit.Cluster;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.RawClient;
import dev.rpcws.testkit.Repo;
import io.cucumber.java.After;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** cluster.feature: events across nodes, a killed node, a draining node, a Redis outage, nodes that disagree. */
public final class ClusterSteps {
    /** Where the failover times of a run are kept, one line per client: {@code features/target/cluster-failover.txt}. */
    public static final Path FAILOVER_TIMES = Path.of("target", "cluster-failover.txt");
    private static final Duration EMIT_EVERY = Duration.ofMillis(100);

    private final ScenarioContext context;
    private final ClientSteps client;
    private final ResilienceSteps resilience;
    /** The subscribers of the scenario, by the node each landed on. */
    private final Map<String, ScenarioContext.Actor> subscribers = new LinkedHashMap<>();
    private final List<RawClient> raw = new ArrayList<>();
    /** The node this scenario killed or told to stop, and when. */
    private Cluster.Node gone;
    private long goneAt;
    private Map<String, Double> lostBefore;
    private RpcServer fourth;

    public ClusterSteps(ScenarioContext context, ClientSteps client, ResilienceSteps resilience) {
        this.context = context;
        this.client = client;
        this.resilience = resilience;
    }

    @After
    public void cleanUp() {
        raw.forEach(RawClient::close);
        if (fourth != null) fourth.close();
    }

    private static ClusterServer cluster() {
        return Interop.cluster();
    }

    private ScenarioContext.Actor theClient() {
        return context.actor("the client");
    }

    // ---- events across nodes ----

    /** Connects through the load balancer until every node holds one subscriber; connections to a node already held are closed. */
    @Given("three clients, one on each node, each subscribed to {string}")
    public void oneOnEachNode(String event) {
        int nodes = cluster().nodes().size();
        for (int i = 1; subscribers.size() < nodes; i++) {
            assertThat(i).as("connections needed to reach every node through the load balancer").isLessThanOrEqualTo(3 * nodes);
            String name = "Subscriber " + i;
            ScenarioContext.Actor a = context.connect(name, Interop.current().client(), "/", ScenarioContext.options());
            String node = context.nodeOf(a).id();
            if (subscribers.containsKey(node)) {
                a.session.close();
                context.actors.remove(name);
                context.log(name + " closed: " + node + " already has a subscriber");
                continue;
            }
            subscribers.put(node, a);
            client.hasSubscribed(name, event);
        }
    }

    /** From the node of the first subscriber: its own subscriber must get the event once, not again from Redis. */
    @When("one of the nodes emits {string} with {json}")
    public void oneNodeEmits(String event, JsonNode args) {
        context.emitFrom(context.nodeOf(subscribers.values().iterator().next()));
        client.emitsWith(event, args);
    }

    @Then("each of the three receives {string} with {json} exactly once")
    public void eachReceivesOnce(String event, JsonNode args) {
        for (ScenarioContext.Actor a : subscribers.values()) {
            client.receives(a.name, event, args);
            client.markerPasses(a);
            assertThat(a.session.events(event, 0, Duration.ZERO)).as(a.name + "'s " + event + " events, the marker after them received").hasSize(1);
        }
    }

    @When("the server emits {string} {int} times, numbered 1 to {int}")
    public void emitsNumbered(String event, int times, int last) {
        assertThat(last).isEqualTo(times);
        for (int i = 1; i <= times; i++) context.emitter().emit(event, Json.mapper().getNodeFactory().numberNode(i));
    }

    @Then("the client receives {string} {int} times, numbered 1 to {int}, in that order")
    public void receivesNumbered(String event, int times, int last) {
        List<ClientSession.Event> got = theClient().session.events(event, times, ClientSteps.EVENT_WAIT);
        List<Integer> numbers = got.stream().map(e -> e.args().get(0).asInt()).toList();
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= last; i++) expected.add(i);
        assertThat(numbers).as("the numbers, in the order received").isEqualTo(expected);
    }

    // ---- a killed node ----

    @When("the client's node is killed")
    public void clientsNodeKilled() {
        gone = context.nodeOf(theClient());
        context.log("the client's node " + gone.id() + " is killed (SIGKILL)");
        goneAt = System.nanoTime();
        gone.kill();
    }

    /**
     * Emits the event every 100 ms from a serving node other than the client's (once it is back somewhere) until the
     * client receives one: the time from the kill to that event is the failover time, logged and kept in
     * {@link #FAILOVER_TIMES}.
     */
    @Then("the client receives the next {string} emitted on another node within {int} s of the kill")
    public void receivesNextAfterKill(String event, int seconds) {
        ScenarioContext.Actor a = theClient();
        int before = a.session.events(event, 0, Duration.ZERO).size();
        List<ClientSession.Event> got = List.of();
        for (int i = 1; got.size() <= before && System.nanoTime() - goneAt < TimeUnit.SECONDS.toNanos(seconds); i++) {
            context.leastUsedNode().admin().emit(event, Json.mapper().getNodeFactory().textNode("after the kill, " + i));
            got = a.session.events(event, before + 1, EMIT_EVERY);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - goneAt);
        assertThat(got).as(event + " events received within " + seconds + " s of the kill").hasSizeGreaterThan(before);
        assertThat(got.get(before).args().get(0).asText()).startsWith("after the kill, ");
        String line = a.language + ": " + millis + " ms from the SIGKILL of " + gone.id() + " to the first " + event
                + " received after the client's restore (on " + context.nodeOf(a).id() + ", the client's default reconnect settings"
                + (ClusterServer.inContainers() ? ", the cluster in containers)" : ")");
        context.log("failover time " + line);
        record(line);
    }

    private static void record(String line) {
        try {
            Files.createDirectories(Repo.path("features").resolve(FAILOVER_TIMES).getParent());
            Files.writeString(Repo.path("features").resolve(FAILOVER_TIMES), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("failover " + line);
    }

    @Then("the client is back through the load balancer, on another node")
    public void backOnAnotherNode() {
        resilience.reconnects();
        Cluster.Node now = context.nodeOf(theClient());
        context.log("the client is back, on " + now.id());
        assertThat(now.id()).as("the client's node after " + gone.id() + " went").isNotEqualTo(gone.id());
    }

    // ---- a draining node ----

    /** Past the load balancer, which does not count them: the drain lasts while they close one after another. */
    @Given("{int} more connections straight to the client's node")
    public void moreConnectionsStraightToTheNode(int count) {
        Cluster.Node node = context.nodeOf(theClient());
        for (int i = 0; i < count; i++) raw.add(RawClient.connect(node.wsUri("/?socket_id=straight-" + i + "-" + System.nanoTime())));
    }

    @When("the client's node is told to stop")
    public void clientsNodeDrains() {
        gone = context.nodeOf(theClient());
        context.draining = gone;
        context.log("the client's node " + gone.id() + " is told to stop (SIGTERM): it drains");
        gone.drain();
        goneAt = System.nanoTime();
    }

    /** While the node drains, HAProxy still counts it among the least loaded: each upgrade it sends there is refused and retried. */
    @Then("{int} new connections through the load balancer all land on the other nodes")
    public void newConnectionsAvoidTheDrainingNode(int count) {
        Poll.until(gone.id() + " answering its health check with 503", ClusterServer.WAIT, () -> gone.admin().health().status() == 503);
        Map<String, Integer> landed = new HashMap<>();
        for (int i = 0; i < count; i++) {
            String id = "during-drain-" + i + "-" + System.nanoTime();
            raw.add(RawClient.connect(cluster().wsUri("/?socket_id=" + id)));
            String node = cluster().nodeOf(id, "/").id();
            landed.merge(node, 1, Integer::sum);
            if (i == 0) assertThat(gone.isAlive()).as(gone.id() + " still draining when the first new connection landed").isTrue();
        }
        context.log("new connections during the drain of " + gone.id() + " landed on " + landed);
        assertThat(landed).as("nodes of the new connections").doesNotContainKey(gone.id());
    }

    @Then("the client's connection is closed with code {int}")
    public void closedWithCode(int code) {
        List<JsonNode> log = theClient().session.lifecycle("close", 1, ClusterServer.WAIT);
        assertThat(log.stream().filter(e -> e.path("type").asText().equals("close")).map(e -> e.path("code").asInt()).findFirst())
                .as("the first close in " + log).contains(code);
    }

    @Then("the load balancer takes the draining node out")
    public void loadBalancerTakesItOut() {
        cluster().cluster().awaitBalanced(gone, false, ClusterServer.WAIT);
    }

    // ---- Redis ----

    @When("Redis stops, and every node has noticed")
    public void redisStops() {
        lostBefore = new HashMap<>();
        for (Cluster.Node n : cluster().nodes()) lostBefore.put(n.id(), n.admin().metric("rpcws_broker_lost_emits_total"));
        cluster().cluster().redis().kill();
        for (Cluster.Node n : cluster().nodes()) {
            Poll.until(n.id() + " broker down", ClusterServer.WAIT,
                    () -> n.admin().health().body().path("broker").path("state").asText().equals("down"));
        }
    }

    @Then("the emitting node counts that emit as lost")
    public void emitCountedLost() {
        Cluster.Node emitter = context.emitter;
        assertThat(emitter.admin().metric("rpcws_broker_lost_emits_total") - lostBefore.get(emitter.id()))
                .as(emitter.id() + "'s rpcws_broker_lost_emits_total since Redis stopped").isEqualTo(1.0);
    }

    @When("Redis starts again, and every node has reconnected to it")
    public void redisStartsAgain() {
        cluster().cluster().redis().restart();
        cluster().cluster().awaitMesh(ClusterServer.WAIT);
    }

    // ---- registrations ----

    @When("a fourth node joins the cluster, serving one event more than the others")
    public void fourthNodeJoins() throws Exception {
        fourth = new RpcServer(ServerOptions.builder().port(0).adminPort(0)
                .broker(BrokerAddress.parse(cluster().redisUri())).nodeId("n4").build());
        CompatFixture.install(fourth);
        fourth.event("onlyOnN4");
        fourth.start();
    }

    @Then("every node reports in its health that another node serves other registrations")
    public void everyNodeReportsTheMismatch() {
        for (Cluster.Node n : cluster().nodes()) {
            Poll.until(n.id() + " reporting n4's other registrations", ClusterServer.WAIT, () -> {
                JsonNode broker = n.admin().health().body().path("broker");
                return broker.path("mismatch").asBoolean() && broker.path("peers").has("n4");
            });
        }
    }

    @Then("every node still answers its health check with {int}")
    public void everyNodeAnswers(int status) {
        for (Cluster.Node n : cluster().nodes()) assertThat(n.admin().health().status()).as(n.id() + " /health").isEqualTo(status);
    }

    @When("the fourth node leaves the cluster")
    public void fourthNodeLeaves() {
        fourth.close();
        fourth = null;
    }

    @Then("no node reports other registrations any more")
    public void noMismatch() {
        for (Cluster.Node n : cluster().nodes()) {
            Poll.until(n.id() + " no longer reporting a mismatch", ClusterServer.WAIT,
                    () -> !n.admin().health().body().path("broker").path("mismatch").asBoolean());
        }
    }
}
