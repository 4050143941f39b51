package dev.rpcws.features.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.features.Interop;
import dev.rpcws.protocol.Json;
import dev.rpcws.testkit.ServerUnderTest;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** wss://, origins, handshake tokens and failed logins against the run's secure Jetty server. */
public final class SecuritySteps {
    private final ScenarioContext context;
    private ServerUnderTest secure;
    private RuntimeException refusal;

    public SecuritySteps(ScenarioContext context) {
        this.context = context;
    }

    private ServerUnderTest secure() {
        if (secure == null) secure = Interop.secureServer(false);
        return secure;
    }

    @Given("the server counts a valid token as a login")
    public void tokenLogsIn() {
        secure = Interop.secureServer(true);
    }

    @Given("a client connected over TLS with the token {string}")
    public void connectedWithToken(String token) {
        connect(token, null);
    }

    @Given("a client connected over TLS with the token {string} from the origin {string}")
    public void connectedWithTokenFrom(String token, String origin) {
        connect(token, origin);
    }

    @When("a client connects over TLS without a token")
    public void connectsWithoutToken() {
        tryConnect(null, null);
    }

    @When("a client connects over TLS with the token {string}")
    public void connectsWithToken(String token) {
        tryConnect(token, null);
    }

    @When("a client connects over TLS with the token {string} from the origin {string}")
    public void connectsWithTokenFrom(String token, String origin) {
        tryConnect(token, origin);
    }

    @Then("the connection is refused with HTTP status {int}")
    public void refused(int status) {
        assertThat(refusal).as("the connection was refused").isNotNull();
        StringBuilder causes = new StringBuilder();
        for (Throwable t = refusal; t != null; t = t.getCause()) causes.append(t.getMessage()).append(" / ");
        assertThat(causes.toString()).as("refusal").contains(Integer.toString(status));
    }

    @When("the client fails to log in {int} times")
    public void failsToLogIn(int times) {
        ScenarioContext.Actor a = context.actor("the client");
        for (int i = 1; i <= times; i++) {
            JsonNode out = a.session.login(Json.object().put("username", "foo").put("password", "guess" + i));
            assertThat(out.path("error").path("kind").asText()).as("login " + i + " -> " + out).isEqualTo("auth");
        }
    }

    @Then("the server closes the connection with code {int}")
    public void serverCloses(int code) {
        List<JsonNode> log = context.actor("the client").session.lifecycle("close", 1, Duration.ofSeconds(5));
        assertThat(log.stream().filter(e -> e.path("type").asText().equals("close")).map(e -> e.path("code").asInt()))
                .as("close entries in " + log).contains(code);
    }

    private void connect(String token, String origin) {
        context.connect("the client", Interop.current().client(), secure(), "/", options(token, origin));
    }

    private void tryConnect(String token, String origin) {
        try {
            connect(token, origin);
        } catch (RuntimeException e) {
            refusal = e;
        }
    }

    /** No reconnecting here: a refused handshake should stay refused, and a closed connection closed. */
    private static ObjectNode options(String token, String origin) {
        ObjectNode o = ScenarioContext.options().put("reconnect", false).put("caPem", Interop.certificates().caPemText());
        ObjectNode headers = o.putObject("headers");
        if (token != null) headers.put("Authorization", "Bearer " + token);
        if (origin != null) headers.put("Origin", origin);
        return o;
    }
}
