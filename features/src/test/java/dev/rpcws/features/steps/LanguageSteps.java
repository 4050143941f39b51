package dev.rpcws.features.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.features.Interop;
import dev.rpcws.features.report.Names;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Scenarios with one client of every kind in this run (-Drpcws.clients) on one server. */
public final class LanguageSteps {
    private final ScenarioContext context;
    private final ClientSteps client;
    private String loggedIn;

    public LanguageSteps(ScenarioContext context, ClientSteps client) {
        this.context = context;
        this.client = client;
    }

    private static List<String> kinds() {
        return Interop.clients();
    }

    @Given("one client of every kind")
    public void oneOfEach() {
        for (String kind : kinds()) context.connect(Names.client(kind), kind, "/", ScenarioContext.options());
    }

    @Given("one client of every kind, each subscribed to {string}")
    public void oneOfEachSubscribed(String event) {
        oneOfEach();
        for (String kind : kinds()) client.hasSubscribed(Names.client(kind), event);
    }

    @Then("each of them receives {string} with {json}")
    public void eachReceives(String event, JsonNode args) {
        for (String kind : kinds()) client.receives(Names.client(kind), event, args);
    }

    @When("the first of them logs in as {string} with password {string}")
    public void firstLogsIn(String user, String password) {
        loggedIn = Names.client(kinds().get(0));
        client.logsIn(loggedIn, user, password);
        client.loginSucceeds();
    }

    @Then("only that client can call {string}; the others' calls fail with error {int} {string}")
    public void onlyThatOneCanCall(String method, int code, String message) {
        for (String kind : kinds()) {
            String name = Names.client(kind);
            JsonNode out = context.actor(name).session.call(method, null, null);
            if (name.equals(loggedIn)) {
                assertThat(out.has("result")).as(name + " " + method + " -> " + out).isTrue();
            } else {
                assertThat(out.path("error").path("code").asInt()).as(name + " " + method + " -> " + out).isEqualTo(code);
                assertThat(out.path("error").path("message").asText()).as(name + " " + method + " -> " + out).isEqualTo(message);
            }
        }
    }
}
