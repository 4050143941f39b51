package dev.rpcws.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The admin HTTP API both servers offer (docs/compat-fixture.md): emits and connection lists. */
public final class AdminClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    public AdminClient(URI base) {
        this.base = base;
    }

    /** {@code server.emit(event, ...args)}: global, with the flattening rule. */
    public void emit(String event, JsonNode... args) {
        post("/admin/emit", body(event, args));
    }

    /** {@code server.of(namespace).emit(event, ...args)}: never flattened. */
    public void emitIn(String namespace, String event, JsonNode... args) {
        post("/admin/emit?namespace=" + URLEncoder.encode(namespace, StandardCharsets.UTF_8), body(event, args));
    }

    /** Socket ids connected to a namespace. */
    public List<String> connections(String namespace) {
        JsonNode ids = get("/admin/connections?namespace=" + URLEncoder.encode(namespace, StandardCharsets.UTF_8));
        List<String> out = new ArrayList<>();
        ids.forEach(n -> out.add(n.asText()));
        return out;
    }

    public String metrics() {
        return send(HttpRequest.newBuilder(base.resolve("/metrics")).GET().build());
    }

    /**
     * One series' value from {@link #metrics()}, 0 when the server has not written it.
     *
     * @param series its name and labels as the text format writes them, e.g. {@code rpcws_evictions_total{reason="slow_consumer"}}
     */
    public double metric(String series) {
        for (String line : metrics().split("\n")) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1).trim());
        }
        return 0;
    }

    /** {@code GET /health}: its status (200, or 503 while the server drains) and its JSON body. */
    public Health health() {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/health")).GET().build();
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Health(r.statusCode(), Json.parse(r.body()));
        } catch (IOException | Json.JsonSyntaxException e) {
            throw new IllegalStateException(request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A {@code /health} answer. */
    public record Health(int status, JsonNode body) {}

    private static String body(String event, JsonNode[] args) {
        ObjectNode b = Json.object().put("event", event);
        ArrayNode a = b.putArray("args");
        for (JsonNode n : args) a.add(n);
        return Json.write(b);
    }

    private JsonNode get(String path) {
        try {
            return Json.parse(send(HttpRequest.newBuilder(base.resolve(path)).GET().build()));
        } catch (Json.JsonSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private void post(String path, String json) {
        send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static String send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IllegalStateException(request.uri() + " -> " + r.statusCode() + " " + r.body());
            return r.body();
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
