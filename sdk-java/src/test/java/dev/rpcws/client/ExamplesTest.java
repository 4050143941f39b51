package dev.rpcws.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rpcws.client.support.Backend;
import dev.rpcws.client.support.SharedServers;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.ServerUnderTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's examples, as written there but with the test server's URL, so they stay true. */
@Timeout(30)
class ExamplesTest {
    private final ServerUnderTest server = SharedServers.of(Backend.JETTY);
    private final String url = server.wsUri("/").toString();

    @Test
    void connectAndCall() throws Exception {
        try (RpcClient client = RpcClient.builder(url).build()) {
            client.connect().get();

            JsonNode sum = client.call("sum", List.of(5, 3)).get();
            JsonNode diff = client.call("subtract", Map.of("minuend", 42, "subtrahend", 23)).get();
            Integer typed = client.call("sum", List.of(20, 22), Integer.class).get();
            JsonNode hello = client.call("greet").get();
            JsonNode slow = client.call("hang", List.of(100), Duration.ofSeconds(2)).get();

            client.notify("sum", List.of(1, 2)).get();
            List<String> methods = client.listMethods().get();

            assertThat(sum.asInt()).isEqualTo(8);
            assertThat(diff.asInt()).isEqualTo(19);
            assertThat(typed).isEqualTo(42);
            assertThat(hello.textValue()).isEqualTo("Hello, subscriber!");
            assertThat(slow.textValue()).isEqualTo("done");
            assertThat(methods).contains("sum", "greet");
        }
    }

    @Test
    void errors() throws Exception {
        try (RpcClient client = RpcClient.builder(url).build()) {
            client.connect().get();
            try {
                client.call("throwsSrvError").join();
            } catch (CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(RpcCallException.class);
                RpcCallException error = (RpcCallException) e.getCause();
                assertThat(error.code()).isEqualTo(-32050);
                assertThat(error.errorMessage()).isEqualTo("Server error");
                assertThat(error.data()).isEqualTo(TextNode.valueOf("Server error details"));
            }
        }
    }

    @Test
    void eventsAndLogin() throws Exception {
        try (RpcClient client = RpcClient.builder(url).build()) {
            client.connect().get();
            List<String> firsts = new CopyOnWriteArrayList<>();
            Subscription news = client.subscribe("newsUpdate", event -> firsts.add(event.arg(0, String.class))).get();
            Subscription account = client.on("accountNotification", event -> System.out.println(event.arg(0)));

            server.admin().emit("newsUpdate", TextNode.valueOf("fox"));
            Poll.until("the event", Duration.ofSeconds(5), () -> firsts.equals(List.of("fox")));
            news.close();
            account.close();

            client.login(Map.of("username", "foo", "password", "bar")).get();
            assertThat(client.call("cryptic").get().textValue()).isEqualTo("boohoo");
        }
    }

    @Test
    void reconnectOptionsBuild() throws Exception {
        try (RpcClient client = RpcClient.builder(url)
                .reconnectInterval(Duration.ofMillis(500))
                .maxReconnects(0)
                .backoff(true)
                .waitForReconnect(true)
                .pingInterval(Duration.ofSeconds(15))
                .pongTimeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer ...")
                .listener(new ConnectionListener() {
                    @Override public void onReconnected(boolean eventsMayHaveBeenMissed) {}
                    @Override public void onMaxReconnectsReached(int code, String reason) {}
                })
                .build()) {
            client.connect().get();
            assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
        }
    }
}
