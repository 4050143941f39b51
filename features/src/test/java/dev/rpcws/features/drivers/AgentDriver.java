package dev.rpcws.features.drivers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.Json;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A client library behind an agent's HTTP control API (docs/agent-control-api.md): the Node or Python agent. */
public final class AgentDriver implements ClientDriver {
    /** Long polls and slow calls take seconds; the socket timeout sits well above them. */
    private static final RestAssuredConfig CONFIG = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
            .setParam("http.connection.timeout", 10_000).setParam("http.socket.timeout", 60_000));

    private final String language;
    private final String runtime;
    private final URI control;

    /** {@code where}: how the agent runs ("local process", "container"); its library and runtime come from its /health. */
    public AgentDriver(String language, String where, URI control) {
        this.language = language;
        this.control = control;
        JsonNode health = get("/health");
        this.runtime = where + ", " + health.path("library").asText("?") + ", " + health.path("runtime").asText("?");
    }

    @Override public String language() { return language; }
    @Override public String runtime() { return runtime; }

    @Override public ClientSession connect(URI url, ObjectNode options) {
        ObjectNode body = Json.object().put("url", url.toString());
        body.set("options", options);
        JsonNode reply = post("/clients", body);
        if (reply.has("error")) throw new IllegalStateException(language + " client could not connect to " + url + ": " + reply.get("error"));
        return new Session(reply.get("result").get("client").asText());
    }

    private RequestSpecification http() {
        return RestAssured.given().config(CONFIG).baseUri(control.toString()).contentType("application/json");
    }

    private JsonNode post(String path, JsonNode body) {
        return read(http().body(Json.write(body)).post(path), path);
    }

    private JsonNode get(String path, String... query) {
        RequestSpecification r = http();
        for (int i = 0; i < query.length; i += 2) if (query[i + 1] != null) r = r.queryParam(query[i], query[i + 1]);
        return read(r.get(path), path);
    }

    private JsonNode read(Response r, String path) {
        if (r.statusCode() != 200) throw new IllegalStateException(language + " agent " + path + " -> " + r.statusCode() + " " + r.asString());
        try {
            return Json.parse(r.asString());
        } catch (Json.JsonSyntaxException e) {
            throw new IllegalStateException(language + " agent " + path + " answered " + r.asString(), e);
        }
    }

    private final class Session implements ClientSession {
        private final String base;

        Session(String id) {
            this.base = "/clients/" + id;
        }

        @Override public JsonNode call(String method, JsonNode params, Duration timeout) {
            ObjectNode body = Json.object().put("method", method);
            if (params != null) body.set("params", params);
            if (timeout != null) body.put("timeoutMs", timeout.toMillis());
            return post(base + "/call", body);
        }

        @Override public JsonNode notify(String method, JsonNode params) {
            ObjectNode body = Json.object().put("method", method);
            if (params != null) body.set("params", params);
            return post(base + "/notify", body);
        }

        @Override public JsonNode subscribe(String event) {
            return post(base + "/subscribe", Json.object().put("event", event));
        }

        @Override public JsonNode unsubscribe(String event) {
            return post(base + "/unsubscribe", Json.object().put("event", event));
        }

        @Override public JsonNode login(JsonNode params) {
            ObjectNode body = Json.object();
            body.set("params", params);
            return post(base + "/login", body);
        }

        @Override public List<Event> events(String event, int atLeast, Duration wait) {
            JsonNode r = get(base + "/events", "event", event, "count", Integer.toString(atLeast), "waitMs", Long.toString(wait.toMillis()));
            List<Event> out = new ArrayList<>();
            for (JsonNode e : r.get("result")) {
                List<JsonNode> args = new ArrayList<>();
                e.get("args").forEach(args::add);
                out.add(new Event(e.get("event").asText(), args));
            }
            return out;
        }

        @Override public List<JsonNode> lifecycle(String type, int atLeast, Duration wait) {
            JsonNode r = get(base + "/lifecycle", "type", type, "count", Integer.toString(atLeast), "waitMs", Long.toString(wait.toMillis()));
            List<JsonNode> out = new ArrayList<>();
            r.get("result").get("log").forEach(out::add);
            return out;
        }

        @Override public String state() {
            return get(base + "/lifecycle").get("result").get("state").asText();
        }

        @Override public void pause() {
            post(base + "/pause", Json.object());
        }

        @Override public void resume() {
            post(base + "/resume", Json.object());
        }

        @Override public void close() {
            read(http().delete(base), base);
        }
    }
}
