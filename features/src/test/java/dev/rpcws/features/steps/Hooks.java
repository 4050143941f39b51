package dev.rpcws.features.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.features.Applicability;
import dev.rpcws.features.Interop;
import dev.rpcws.protocol.Json;
import io.cucumber.java.After;
import io.cucumber.java.Before;
import io.cucumber.java.ParameterType;
import io.cucumber.java.Scenario;
import org.opentest4j.TestAbortedException;

public final class Hooks {
    private final ScenarioContext context;

    public Hooks(ScenarioContext context) {
        this.context = context;
    }

    /** A scenario that does not apply to this client and server is skipped with its reason (shown as n/a). */
    @Before(order = 0)
    public void skipWhereNotApplicable(Scenario scenario) {
        String reason = Applicability.reasonNotApplicable(scenario.getSourceTagNames(), Interop.current());
        if (reason != null) throw new TestAbortedException(reason);
    }

    @After
    public void cleanUp() {
        context.cleanUp();
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
