package dev.rpcws.features.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.rpcws.features.Interop;
import dev.rpcws.features.drivers.ClientSession;
import dev.rpcws.protocol.Json;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Calls, notifications, events and login, for whichever client language the run drives. */
public final class ClientSteps {
    static final Duration EVENT_WAIT = Duration.ofSeconds(5);
    private final ScenarioContext context;
    private String payload;

    public ClientSteps(ScenarioContext context) {
        this.context = context;
    }

    // ---- connecting ----

    @Given("a client connected to the server")
    public void aClientConnected() {
        context.connect("the client", Interop.current().client(), "/", ScenarioContext.options());
    }

    @Given("{actor} is connected to the server")
    public void actorConnected(String actor) {
        context.connect(actor, Interop.current().client(), "/", ScenarioContext.options());
    }

    @Given("{actor} is connected to the {string} namespace")
    public void actorConnectedTo(String actor, String namespace) {
        context.connect(actor, Interop.current().client(), namespace, ScenarioContext.options());
    }

    // ---- calls ----

    @When("{actor} calls {string}")
    public void calls(String actor, String method) {
        context.outcome = session(actor).call(method, null, null);
    }

    @When("{actor} calls {string} with {json}")
    public void callsWith(String actor, String method, JsonNode params) {
        context.outcome = session(actor).call(method, params, null);
    }

    @When("{actor} calls {string} with {json} and a timeout of {int} ms")
    public void callsWithTimeout(String actor, String method, JsonNode params, int ms) {
        context.outcome = session(actor).call(method, params, Duration.ofMillis(ms));
    }

    @When("{actor} echoes a payload of {int} MiB")
    public void echoesPayload(String actor, int mib) {
        StringBuilder s = new StringBuilder(mib << 20);
        while (s.length() < (mib << 20)) s.append(UUID.randomUUID());
        payload = s.substring(0, mib << 20);
        context.outcome = session(actor).call("echo", Json.array().add(payload), null);
    }

    @Then("the same payload comes back")
    public void samePayload() {
        JsonNode result = result();
        assertThat(result.isArray() && result.size() == 1).as("an array of one string").isTrue();
        assertThat(result.get(0).asText()).as("payload of %d characters", payload.length()).isEqualTo(payload);
    }

    @Then("the result is {json}")
    public void resultIs(JsonNode expected) {
        assertThat(Json.write(result())).isEqualTo(Json.write(expected));
    }

    @Then("the call fails with error {int} {string} and no data")
    public void failsWithoutData(int code, String message) {
        JsonNode e = rpcError(code, message);
        assertThat(e.has("data")).as("error has a data member: " + e).isFalse();
    }

    @Then("the call fails with error {int} {string} and data {json}")
    public void failsWithData(int code, String message, JsonNode data) {
        JsonNode e = rpcError(code, message);
        assertThat(e.has("data")).as("error has a data member: " + e).isTrue();
        assertThat(Json.write(e.get("data"))).isEqualTo(Json.write(data));
    }

    @Then("the call fails with the bare error {string}")
    public void failsWithBareError(String value) {
        JsonNode e = error();
        assertThat(e.path("kind").asText()).as("error " + e).isEqualTo("rpc-raw");
        assertThat(Json.write(e.get("value"))).isEqualTo(Json.write(Json.mapper().getNodeFactory().textNode(value)));
    }

    @Then("the call times out")
    public void timesOut() {
        assertThat(error().path("kind").asText()).as("error " + context.outcome).isEqualTo("timeout");
    }

    @Then("{actor} can (still )call {string} and get {json}")
    public void canCall(String actor, String method, JsonNode expected) {
        JsonNode out = session(actor).call(method, null, null);
        assertThat(out.has("result")).as(method + " -> " + out).isTrue();
        assertThat(Json.write(out.get("result"))).isEqualTo(Json.write(expected));
    }

    @Then("{actor} can (still )call {string} with {json} and get {json}")
    public void canCallWith(String actor, String method, JsonNode params, JsonNode expected) {
        JsonNode out = session(actor).call(method, params, null);
        assertThat(out.has("result")).as(method + " -> " + out).isTrue();
        assertThat(Json.write(out.get("result"))).isEqualTo(Json.write(expected));
    }

    @Then("{actor}'s call of {string} fails with error {int} {string}")
    public void callFails(String actor, String method, int code, String message) {
        context.outcome = session(actor).call(method, null, null);
        rpcError(code, message);
    }

    // ---- notifications ----

    @When("{actor} notifies {string}")
    public void notifies(String actor, String method) {
        context.outcome = session(actor).notify(method, null);
    }

    @When("{actor} notifies {string} with {json}")
    public void notifiesWith(String actor, String method, JsonNode params) {
        context.outcome = session(actor).notify(method, params);
    }

    @Then("the notification was sent")
    public void notificationSent() {
        assertThat(context.outcome.has("result")).as("notify -> " + context.outcome).isTrue();
    }

    // ---- events ----

    @When("{actor} subscribes to {string}")
    public void subscribes(String actor, String event) {
        context.lastSubscribed = event;
        context.outcome = session(actor).subscribe(event);
    }

    @Given("{actor} has subscribed to {string}")
    public void hasSubscribed(String actor, String event) {
        subscribes(actor, event);
        subscriptionConfirmed();
    }

    @When("{actor} unsubscribes from {string}")
    public void unsubscribes(String actor, String event) {
        context.outcome = session(actor).unsubscribe(event);
        assertThat(context.outcome.has("result")).as("unsubscribe -> " + context.outcome).isTrue();
    }

    @Then("the subscription is confirmed")
    public void subscriptionConfirmed() {
        JsonNode out = context.outcome;
        assertThat(out.has("result")).as("subscribe -> " + out).isTrue();
        assertThat(out.get("result").path(context.lastSubscribed).asText()).as("status in " + out).isEqualTo("ok");
    }

    @Then("the subscription is refused with error {int} {string} and no data")
    public void subscriptionRefusedWithError(int code, String message) {
        failsWithoutData(code, message);
    }

    /** A status other than "ok" for the event subscribed to. */
    @Then("the subscription is refused with the status {string}")
    public void subscriptionRefusedWithStatus(String status) {
        JsonNode out = context.outcome;
        // The npm Client resolves with the status map; the rpcws clients fail with the status (deviation C4).
        String reported = out.has("result") ? out.get("result").path(context.lastSubscribed).asText() : out.path("error").path("status").asText();
        assertThat(reported).as("subscribe -> " + out).isEqualTo(status);
    }

    @When("the server emits {string}")
    public void emits(String event) {
        context.emitter().emit(event);
    }

    @When("the server emits {string} with {json}")
    public void emitsWith(String event, JsonNode args) {
        context.emitter().emit(event, elements(args));
    }

    @When("the server emits {string} in the {string} namespace with {json}")
    public void emitsIn(String event, String namespace, JsonNode args) {
        context.emitter().emitIn(namespace, event, elements(args));
    }

    @Then("{actor} receives {string} with {json}")
    public void receives(String actor, String event, JsonNode args) {
        ScenarioContext.Actor a = context.actor(actor);
        int already = a.seen.getOrDefault(event, 0);
        List<ClientSession.Event> got = a.session.events(event, already + 1, EVENT_WAIT);
        assertThat(got).as(actor + " received " + event + " events").hasSizeGreaterThan(already);
        ArrayNode received = Json.array();
        got.get(already).args().forEach(received::add);
        assertThat(Json.write(received)).isEqualTo(Json.write(args));
        a.seen.put(event, already + 1);
    }

    /**
     * Absence is proven by order, not by waiting: a marker event emitted afterwards reaches the client, so
     * anything emitted before it would have arrived first.
     */
    @Then("{actor} receives no {string} event")
    public void receivesNo(String actor, String event) {
        ScenarioContext.Actor a = context.actor(actor);
        markerPasses(a);
        int already = a.seen.getOrDefault(event, 0);
        assertThat(a.session.events(event, 0, Duration.ZERO)).as(actor + " received " + event).hasSize(already);
    }

    /** A marker event emitted now reaches the actor, after everything the same server (or cluster node) emitted before. */
    void markerPasses(ScenarioContext.Actor a) {
        String marker = a.namespace.equals("/") ? "updatedNews" : "chatMessage";
        if (!a.seen.containsKey("marker:" + marker)) {
            JsonNode sub = a.session.subscribe(marker);
            assertThat(sub.has("result")).as("marker subscription " + sub).isTrue();
            a.seen.put("marker:" + marker, 0);
        }
        String token = UUID.randomUUID().toString();
        JsonNode tokenNode = Json.mapper().getNodeFactory().textNode(token);
        if (a.namespace.equals("/")) context.emitter().emit(marker, tokenNode);
        else context.emitter().emitIn(a.namespace, marker, tokenNode);
        int markersSeen = a.seen.get("marker:" + marker);
        List<ClientSession.Event> markers = a.session.events(marker, markersSeen + 1, EVENT_WAIT);
        assertThat(markers).as("marker event reached " + a.name).hasSizeGreaterThan(markersSeen);
        a.seen.put("marker:" + marker, markers.size());
    }

    /** A browser drops binary frames, so everything it was sent must have come as text. */
    @Then("every frame {actor} received was text")
    public void everyFrameWasText(String actor) {
        ClientSession.Frames frames = session(actor).framesReceived();
        assertThat(frames.binary()).as("binary frames among " + frames).isZero();
        assertThat(frames.text()).as("text frames").isPositive();
    }

    // ---- login ----

    @When("{actor} logs in as {string} with password {string}")
    public void logsIn(String actor, String user, String password) {
        context.outcome = session(actor).login(Json.object().put("username", user).put("password", password));
    }

    @Given("{actor} has logged in")
    public void hasLoggedIn(String actor) {
        logsIn(actor, "foo", "bar");
        loginSucceeds();
    }

    @Then("the login succeeds")
    public void loginSucceeds() {
        assertThat(Json.write(result())).isEqualTo("true");
    }

    @Then("the login is refused")
    public void loginRefused() {
        assertThat(error().path("kind").asText()).as("login -> " + context.outcome).isEqualTo("auth");
    }

    // ---- helpers ----

    private ClientSession session(String actor) {
        return context.actor(actor).session;
    }

    private JsonNode result() {
        assertThat(context.outcome.has("result")).as("expected a result, got " + context.outcome).isTrue();
        return context.outcome.get("result");
    }

    private JsonNode error() {
        assertThat(context.outcome.has("error")).as("expected an error, got " + context.outcome).isTrue();
        return context.outcome.get("error");
    }

    private JsonNode rpcError(int code, String message) {
        JsonNode e = error();
        assertThat(e.path("kind").asText()).as("error " + e).isEqualTo("rpc");
        assertThat(e.path("code").asInt()).as("code of " + e).isEqualTo(code);
        assertThat(e.path("message").asText()).as("message of " + e).isEqualTo(message);
        return e;
    }

    private static JsonNode[] elements(JsonNode array) {
        JsonNode[] out = new JsonNode[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i);
        return out;
    }
}
