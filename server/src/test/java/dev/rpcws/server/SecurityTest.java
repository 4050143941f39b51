package dev.rpcws.server;

import dev.rpcws.protocol.Json;
import dev.rpcws.server.security.HandshakeAuthenticator;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.RawClient;
import dev.rpcws.testkit.TestCertificates;
import io.restassured.RestAssured;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TLS, the Origin allow-list, handshake tokens, login throttling and the admin token: every refusal path. */
class SecurityTest {
    private static final String SUM = "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2],\"id\":1}";
    private static final String SUM_REPLY = "{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":1}";
    private static TestCertificates certs;

    @BeforeAll static void makeCertificates() {
        certs = TestCertificates.create();
    }

    @Test
    void tlsAndPlainConnectorsServeSideBySide() {
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.tls(new ServerOptions.Tls(0, certs.serverKeyStore(), certs.password(), "PKCS12")))) {
            int tlsPort = jetty.server().tlsPort();
            try (RawClient secure = RawClient.connectTls(URI.create("wss://127.0.0.1:" + tlsPort + "/"), certs.trustStore(), certs.password(), Map.of());
                 RawClient plain = RawClient.connect(jetty.wsUri("/"))) {
                secure.send(SUM);
                assertThat(secure.nextText()).isEqualTo(SUM_REPLY);
                plain.send(SUM);
                assertThat(plain.nextText()).isEqualTo(SUM_REPLY);
            }
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateCannotConnect() {
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.tls(new ServerOptions.Tls(0, certs.serverKeyStore(), certs.password(), "PKCS12")))) {
            TestCertificates stranger = TestCertificates.create();
            URI uri = URI.create("wss://127.0.0.1:" + jetty.server().tlsPort() + "/");
            assertThatThrownBy(() -> RawClient.connectTls(uri, stranger.trustStore(), stranger.password(), Map.of()))
                    .hasMessageContaining("cannot connect");
        }
    }

    @Test
    void originsOutsideTheAllowListAreRefusedWith403() throws Exception {
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.allowedOrigins(List.of("https://app.example")))) {
            try (RawTcp bad = new RawTcp(jetty.port(), "/", "Origin: https://evil.example")) {
                assertThat(bad.handshakeResponse).startsWith("HTTP/1.1 403");
            }
            try (RawTcp good = new RawTcp(jetty.port(), "/", "Origin: https://app.example")) {
                assertThat(good.handshakeResponse).startsWith("HTTP/1.1 101");
            }
            try (RawTcp none = new RawTcp(jetty.port(), "/")) {
                assertThat(none.handshakeResponse).as("no Origin: a non-browser client, allowed by default").startsWith("HTTP/1.1 101");
            }
            assertThat(jetty.admin().metric("rpcws_upgrades_refused_total{reason=\"origin\"}")).isEqualTo(1);
        }
        try (InProcessJetty strict = InProcessJetty.start(o -> o.allowedOrigins(List.of("https://app.example")).allowMissingOrigin(false));
             RawTcp none = new RawTcp(strict.port(), "/")) {
            assertThat(none.handshakeResponse).startsWith("HTTP/1.1 403");
        }
    }

    @Test
    void handshakeTokensAreRequiredAndNameTheCaller() throws Exception {
        try (InProcessJetty jetty = tokenServer(false)) {
            try (RawTcp none = new RawTcp(jetty.port(), "/")) {
                assertThat(none.handshakeResponse).startsWith("HTTP/1.1 401").containsIgnoringCase("WWW-Authenticate: Bearer");
            }
            try (RawTcp wrong = new RawTcp(jetty.port(), "/", "Authorization: Bearer guess")) {
                assertThat(wrong.handshakeResponse).startsWith("HTTP/1.1 401");
            }
            try (RawClient header = RawClient.connect(jetty.wsUri("/who"), List.of(), Map.of("Authorization", "Bearer s3cret"));
                 RawClient query = RawClient.connect(jetty.wsUri("/who?token=s3cret"))) {
                for (RawClient c : List.of(header, query)) {
                    c.send("{\"jsonrpc\":\"2.0\",\"method\":\"identity\",\"id\":1}");
                    assertThat(c.nextText()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":\"alice\",\"id\":1}");
                }
            }
            assertThat(jetty.admin().metric("rpcws_upgrades_refused_total{reason=\"token\"}")).isEqualTo(2);
        }
    }

    @Test
    void aTokenCountsAsALoginOnlyByOption() {
        String cryptic = "{\"jsonrpc\":\"2.0\",\"method\":\"cryptic\",\"id\":1}";
        try (InProcessJetty strict = tokenServer(false); RawClient c = RawClient.connect(strict.wsUri("/?token=s3cret"))) {
            c.send(cryptic);
            assertThat(c.nextText()).contains("-32605");
        }
        try (InProcessJetty lenient = tokenServer(true); RawClient c = RawClient.connect(lenient.wsUri("/?token=s3cret"))) {
            c.send(cryptic);
            assertThat(c.nextText()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":\"boohoo\",\"id\":1}");
            c.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"secretNews\"],\"id\":2}");
            assertThat(c.nextText()).contains("\"secretNews\":\"ok\"");
        }
    }

    @Test
    void anAuthenticatorThatThrowsRefusesTheUpgrade() throws Exception {
        RpcServer server = new RpcServer(ServerOptions.builder().port(0).build());
        server.authenticateHandshakes(h -> { throw new IllegalStateException("directory down"); }, false);
        server.start();
        try (RawTcp raw = new RawTcp(server.port(), "/?token=x")) {
            assertThat(raw.handshakeResponse).startsWith("HTTP/1.1 401");
        } finally {
            server.close();
        }
    }

    @Test
    void repeatedFailedLoginsCloseTheConnection() {
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.maxFailedLogins(3));
             RawClient c = RawClient.connect(jetty.wsUri("/"))) {
            for (int i = 1; i <= 3; i++) {
                c.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.login\",\"params\":{\"username\":\"foo\",\"password\":\"guess" + i + "\"},\"id\":" + i + "}");
                assertThat(c.nextText()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":false,\"id\":" + i + "}");
            }
            Poll.until("the close", Duration.ofSeconds(5), () -> c.closeCode() != -1);
            assertThat(c.closeCode()).isEqualTo(1008);
            assertThat(c.closeReason()).isEqualTo("Too many failed logins");
            assertThat(jetty.admin().metric("rpcws_evictions_total{reason=\"failed_logins\"}")).isEqualTo(1);
        }
    }

    @Test
    void aLoginHandlerThatThrowsLeaksNothing() {
        try (InProcessJetty jetty = InProcessJetty.start()) {
            jetty.server().of("/leaky").register("rpc.login", (p, ctx) -> {
                throw new IllegalStateException("LDAP bind failed for cn=admin,dc=corp password=hunter2");
            });
            try (RawClient c = RawClient.connect(jetty.wsUri("/leaky"))) {
                c.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.login\",\"params\":{\"u\":1},\"id\":1}");
                assertThat(c.nextText()).isEqualTo(
                        "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"Error\",\"data\":\"authentication failed\"},\"id\":1}");
            }
        }
    }

    @Test
    void theAdminApiRequiresItsTokenWhenOneIsSet() {
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.adminToken("adm1n"))) {
            var admin = RestAssured.given().baseUri("http://127.0.0.1").port(jetty.adminPort());
            admin.get("/health").then().statusCode(200);
            admin.get("/admin/connections").then().statusCode(401);
            admin.header("Authorization", "Bearer wrong").get("/metrics").then().statusCode(401);
            RestAssured.given().baseUri("http://127.0.0.1").port(jetty.adminPort()).header("Authorization", "Bearer adm1n")
                    .get("/admin/connections").then().statusCode(200);
            RestAssured.given().baseUri("http://127.0.0.1").port(jetty.adminPort()).header("Authorization", "Bearer adm1n")
                    .contentType("application/json").body("{\"event\":\"newsUpdate\"}").post("/admin/emit").then().statusCode(200);
        }
    }

    private static InProcessJetty tokenServer(boolean logsIn) {
        InProcessJetty jetty = InProcessJetty.start(o -> o, server -> {
            server.authenticateHandshakes(HandshakeAuthenticator.tokens(Map.of("s3cret", "alice")), logsIn);
            server.of("/who").register("identity", (p, ctx) -> Json.mapper().getNodeFactory().textNode(ctx.identity()));
        });
        return jetty;
    }
}
