package dev.rpcws.features.steps;

import com.fasterxml.jackson.databind.JsonNode;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Scenarios with a client of every language on one server. */
public final class LanguageSteps {
    private static final List<String> LANGUAGES = List.of("Java", "Node", "Python");
    private final ScenarioContext context;
    private final ClientSteps client;

    public LanguageSteps(ScenarioContext context, ClientSteps client) {
        this.context = context;
        this.client = client;
    }

    @Given("a Java client, a Node client and a Python client")
    public void oneOfEach() {
        for (String language : LANGUAGES) {
            context.connect(name(language), language.toLowerCase(), "/", ScenarioContext.options());
        }
    }

    @Given("a Java client, a Node client and a Python client, each subscribed to {string}")
    public void oneOfEachSubscribed(String event) {
        oneOfEach();
        for (String language : LANGUAGES) client.hasSubscribed(name(language), event);
    }

    @Then("each of them receives {string} with {json}")
    public void eachReceives(String event, JsonNode args) {
        for (String language : LANGUAGES) client.receives(name(language), event, args);
    }

    @Then("only the Python client can call {string}")
    public void onlyPythonCanCall(String method) {
        for (String language : LANGUAGES) {
            JsonNode out = context.actor(name(language)).session.call(method, null, null);
            if (language.equals("Python")) assertThat(out.has("result")).as(language + " " + method + " -> " + out).isTrue();
            else assertThat(out.path("error").path("code").asInt()).as(language + " " + method + " -> " + out).isEqualTo(-32605);
        }
    }

    private static String name(String language) {
        return "the " + language + " client";
    }
}
