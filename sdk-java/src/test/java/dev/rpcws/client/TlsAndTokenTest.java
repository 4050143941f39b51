package dev.rpcws.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.server.RpcServer;
import dev.rpcws.server.ServerOptions;
import dev.rpcws.server.fixture.CompatFixture;
import dev.rpcws.server.security.HandshakeAuthenticator;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** wss:// with a private trust store, and a handshake token that is sent again on every reconnect. */
class TlsAndTokenTest {
    private static TestCertificates certs;

    @BeforeAll static void certificates() {
        certs = TestCertificates.create();
    }

    private static RpcServer secureServer(int tlsPort) throws Exception {
        RpcServer server = new RpcServer(ServerOptions.builder().port(0)
                .tls(new ServerOptions.Tls(tlsPort, certs.serverKeyStore(), certs.password(), "PKCS12")).build());
        CompatFixture.install(server);
        server.authenticateHandshakes(HandshakeAuthenticator.tokens(Map.of("s3cret", "alice")), true);
        return server.start();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void theTokenTravelsOverTlsOnEveryConnect() throws Exception {
        int port = freePort();
        RpcServer server = secureServer(port);
        List<String> lifecycle = new CopyOnWriteArrayList<>();
        try (RpcClient client = RpcClient.builder(URI.create("wss://127.0.0.1:" + port + "/"))
                .trustStore(certs.trustStore(), certs.password())
                .header("Authorization", "Bearer s3cret")
                .reconnectInterval(Duration.ofMillis(100)).maxReconnects(0)
                .listener(new ConnectionListener() {
                    @Override public void onReconnected(boolean missed) { lifecycle.add("reconnected"); }
                })
                .build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            // The server counts the token as a login: protected methods open without rpc.login.
            assertThat(client.call("cryptic").get(5, TimeUnit.SECONDS).asText()).isEqualTo("boohoo");

            server.close();
            server = secureServer(port);
            Poll.until("the client to reconnect with its token", Duration.ofSeconds(15), () -> lifecycle.contains("reconnected"));
            JsonNode again = client.call("cryptic").get(5, TimeUnit.SECONDS);
            assertThat(again.asText()).isEqualTo("boohoo");
        } finally {
            server.close();
        }
    }

    @Test
    void aRefusedHandshakeSaysWhy() throws Exception {
        int port = freePort();
        RpcServer server = secureServer(port);
        try (RpcClient client = RpcClient.builder(URI.create("wss://127.0.0.1:" + port + "/"))
                .trustStore(certs.trustStore(), certs.password()).reconnect(false).build()) {
            assertThatThrownBy(() -> client.connect().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("401");
        } finally {
            server.close();
        }
    }
}
