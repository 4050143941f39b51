package dev.rpcws.server;

import dev.rpcws.testkit.RawClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A handler's unexpected exception: the client reads a fixed error, the operator's log has the whole story (deviation D9). */
class HandlerFailureTest {
    @Test
    void theClientGetsInternalErrorAndTheLogGetsSocketMethodAndStackTrace() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        try (InProcessJetty jetty = InProcessJetty.start(o -> o, s -> s.register("explode", (p, ctx) -> {
                 throw new IllegalStateException("secret path /srv/keys is unreadable");
             }));
             RawClient client = RawClient.connect(jetty.wsUri("/?socket_id=operator-probe"))) {
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8)); // slf4j-simple writes to the current System.err
            client.send("{\"jsonrpc\":\"2.0\",\"method\":\"explode\",\"id\":1}");
            assertThat(client.nextText()).isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"Error\",\"data\":\"Internal error\"},\"id\":1}");
        } finally {
            System.setErr(stderr);
        }
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("WARN", "explode", "operator-probe", "java.lang.IllegalStateException: secret path /srv/keys is unreadable")
                .containsPattern("\\n\\s+at dev\\.rpcws\\.server\\.HandlerFailureTest");
    }
}
