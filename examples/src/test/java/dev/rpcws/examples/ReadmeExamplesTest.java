package dev.rpcws.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.client.RpcCallException;
import dev.rpcws.client.RpcClient;
import dev.rpcws.server.RpcServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The README's examples run and do what the README says, and the README quotes each exactly. */
@Timeout(60)
class ReadmeExamplesTest {
    @Test
    void quickstartPrintsWhatItsCommentsSay() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Quickstart.main(new String[0]);
        } finally {
            System.setOut(stdout);
        }
        assertEquals("sum: 8\nnewsUpdate: hello\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void embeddedServesWhatItRegisters() throws Exception {
        try (RpcServer server = Embedded.start(0);
             RpcClient client = RpcClient.builder("ws://127.0.0.1:" + server.port() + "/").build();
             RpcClient chat = RpcClient.builder("ws://127.0.0.1:" + server.port() + "/chat").build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            assertEquals(8, client.call("sum", List.of(5, 3), Integer.class).get(5, TimeUnit.SECONDS));

            ExecutionException refused = assertThrows(ExecutionException.class, () -> client.call("secret").get(5, TimeUnit.SECONDS));
            assertInstanceOf(RpcCallException.class, refused.getCause(), "a protected method before the login");
            ExecutionException wrongUser = assertThrows(ExecutionException.class, () -> client.login(Map.of("username", "bar")).get(5, TimeUnit.SECONDS));
            assertEquals("authentication failed", wrongUser.getCause().getMessage());
            assertThrows(ExecutionException.class, () -> client.call("secret").get(5, TimeUnit.SECONDS), "still not logged in");
            assertEquals(true, client.login(Map.of("username", "foo")).get(5, TimeUnit.SECONDS).asBoolean());
            assertEquals("s", client.call("secret", null, String.class).get(5, TimeUnit.SECONDS));

            CompletableFuture<JsonNode> news = new CompletableFuture<>();
            client.subscribe("newsUpdate", event -> news.complete(event.arg(0))).get(5, TimeUnit.SECONDS);
            server.emit("newsUpdate", Map.of("title", "hello"));
            assertEquals("hello", news.get(5, TimeUnit.SECONDS).path("title").asText());

            chat.connect().get(5, TimeUnit.SECONDS);
            assertEquals("in chat", chat.call("chatOnly", null, String.class).get(5, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Quickstart", "Embedded"})
    void theReadmeQuotesItExactly(String example) throws Exception {
        String file = "examples/src/main/java/dev/rpcws/examples/" + example + ".java";
        String source = Files.readString(Path.of("..", file));
        String code = between(source, "// README: begin\n", "// README: end\n").stripIndent();
        String quoted = between(Files.readString(Path.of("../README.md")), "<!-- example: " + file + " -->\n```java\n", "```\n");
        assertEquals(code, quoted, "README.md must quote " + file + " as it is");
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        if (from < 0) throw new AssertionError("no " + start.strip() + " marker");
        from += start.length();
        int to = text.indexOf(end, from);
        if (to < 0) throw new AssertionError("no " + end.strip() + " marker");
        return text.substring(from, to);
    }
}
