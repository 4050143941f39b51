package dev.rpcws.server;

import dev.rpcws.testkit.RawClient;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

class AdminApiTest {
    private static InProcessJetty jetty;

    @BeforeAll static void start() {
        jetty = InProcessJetty.start();
    }

    @AfterAll static void stop() {
        jetty.close();
    }

    private static RequestSpecification admin() {
        return RestAssured.given().baseUri("http://127.0.0.1").port(jetty.adminPort());
    }

    @Test
    void health() {
        admin().get("/health").then().statusCode(200).contentType("application/json")
                .body("status", equalTo("ok")).body("server", equalTo("jetty"));
    }

    @Test
    void metricsInPrometheusText() {
        try (RawClient c = RawClient.connect(jetty.wsUri("/"))) {
            c.send("{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":1}");
            assertThat(c.nextText()).contains("-32601");
            admin().get("/metrics").then().statusCode(200).contentType(containsString("text/plain"))
                    .body(containsString("# TYPE rpcws_connections gauge"))
                    .body(containsString("rpcws_errors_total{code=\"-32601\"}"))
                    .body(containsString("rpcws_evictions_total"));
        }
    }

    @Test
    void emitGlobalAndInANamespace() {
        try (RawClient root = RawClient.connect(jetty.wsUri("/"));
             RawClient chat = RawClient.connect(jetty.wsUri("/chat"))) {
            root.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"newMessage\"],\"id\":1}");
            chat.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"newMessage\"],\"id\":1}");
            assertThat(root.nextText()).contains("\"ok\"");
            assertThat(chat.nextText()).contains("\"ok\"");
            admin().body("{\"event\":\"newMessage\",\"args\":[{\"a\":1}]}").contentType("application/json")
                    .post("/admin/emit").then().statusCode(200).body("ok", equalTo(true));
            assertThat(root.nextText()).isEqualTo("{\"notification\":\"newMessage\",\"params\":{\"a\":1}}");
            assertThat(chat.nextText()).isEqualTo("{\"notification\":\"newMessage\",\"params\":{\"a\":1}}");
            admin().queryParam("namespace", "/chat").body("{\"event\":\"newMessage\",\"args\":[{\"a\":1}]}")
                    .post("/admin/emit").then().statusCode(200);
            assertThat(chat.nextText()).isEqualTo("{\"notification\":\"newMessage\",\"params\":[{\"a\":1}]}");
            admin().body("{\"event\":\"newMessage\"}").post("/admin/emit").then().statusCode(200);
            assertThat(root.nextText()).isEqualTo("{\"notification\":\"newMessage\",\"params\":[]}");
        }
    }

    @Test
    void badEmitsAre400() {
        admin().body("not json").post("/admin/emit").then().statusCode(400).body("error", containsString("not JSON"));
        admin().body("{\"args\":[]}").post("/admin/emit").then().statusCode(400).body("error", containsString("event"));
        admin().body("{\"event\":\"x\",\"args\":{}}").post("/admin/emit").then().statusCode(400).body("error", containsString("args"));
        admin().get("/admin/emit").then().statusCode(405);
    }

    @Test
    void connectionsByNamespace() {
        try (RawClient a = RawClient.connect(jetty.wsUri("/chatroom?socket_id=alice"))) {
            a.send("{\"jsonrpc\":\"2.0\",\"method\":\"sendMsg\",\"id\":1}");
            assertThat(a.nextText()).contains("Message received");
            admin().queryParam("namespace", "/chatroom").get("/admin/connections").then().statusCode(200).body("$", hasItem("alice"));
            admin().get("/admin/connections").then().statusCode(200).body("$", not(hasItem("alice")));
            admin().queryParam("namespace", "/nowhere").get("/admin/connections").then().statusCode(200).body("size()", equalTo(0));
        }
    }

    @Test
    void unknownPathsAre404() {
        admin().get("/nope").then().statusCode(404);
    }
}
