package dev.rpcws.features.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.Json;
import dev.rpcws.testkit.RawClient;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Raw frames, exactly as written in the scenario. */
public final class WireSteps {
    private static final Duration FRAME_WAIT = Duration.ofSeconds(5);
    private final ScenarioContext context;

    public WireSteps(ScenarioContext context) {
        this.context = context;
    }

    /** It offers permessage-deflate, as browsers do: where the server accepts, every frame in both directions is compressed. */
    @Given("a raw WebSocket connection to the server")
    public void rawConnection() {
        context.raw = RawClient.connectCompressed(context.server().wsUri("/"));
    }

    @When("it sends {string}")
    public void sendsInline(String frame) {
        context.raw.send(frame);
    }

    @When("it sends")
    public void sends(String frame) {
        context.raw.send(frame.strip());
    }

    @When("it sends in {int} fragments")
    public void sendsInFragments(int fragments, String frame) {
        context.raw.sendInFragments(frame.strip(), fragments);
    }

    @When("it sends as binary")
    public void sendsBinary(String frame) {
        context.raw.sendBinary(frame.strip());
    }

    @Then("it receives")
    public void receives(String frame) {
        assertThat(next().text()).isEqualTo(frame.strip());
    }

    @Then("it receives as text")
    public void receivesAsText(String frame) {
        RawClient.Frame f = next();
        assertThat(f.binary()).as("a binary frame").isFalse();
        assertThat(f.text()).isEqualTo(frame.strip());
    }

    /** The parser's text is engine-specific (V8 vs Jackson); code, message and id are not. */
    @Then("it receives a parse error")
    public void receivesParseError() throws Json.JsonSyntaxException {
        JsonNode reply = Json.parse(next().text());
        assertThat(reply.path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(reply.path("error").path("message").asText()).isEqualTo("Parse error");
        assertThat(reply.path("error").path("data").asText()).startsWith("SyntaxError: ");
        assertThat(reply.get("id").isNull()).isTrue();
    }

    /** Proven by order: a call sent now is answered before anything else may arrive. */
    @Then("it receives nothing more")
    public void receivesNothingMore() {
        context.raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"__listMethods\",\"id\":\"end\"}");
        assertThat(next().text()).contains("\"id\":\"end\"");
    }

    private RawClient.Frame next() {
        RawClient.Frame f = context.raw.next(FRAME_WAIT);
        assertThat(f).as("a frame within " + FRAME_WAIT.toSeconds() + " s").isNotNull();
        return f;
    }
}
