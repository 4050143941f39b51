package dev.rpcws.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.Json;
import dev.rpcws.server.security.AdminAuth;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin API needs nothing of a server but its {@link AdminView}: here a stand-in that is not healthy. */
class AdminViewTest {
    @Test
    void healthFollowsTheView() throws Exception {
        AdminView unhealthy = new AdminView() {
            @Override public boolean healthy() { return false; }
            @Override public ObjectNode health() { return Json.object().put("node", "n1").put("draining", true); }
            @Override public String metrics() { return ""; }
            @Override public List<String> connections(String namespace) { return List.of(); }
            @Override public void emit(String event, List<JsonNode> args) {}
            @Override public void emit(String namespace, String event, List<JsonNode> args) {}
        };
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(new AdminApi(unhealthy, new AdminAuth(null)));
        jetty.start();
        try {
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).isEqualTo("{\"status\":\"unavailable\",\"server\":\"jetty\",\"node\":\"n1\",\"draining\":true}");
        } finally {
            jetty.stop();
        }
    }
}
