package dev.rpcws.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.fixture.CompatFixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every golden transcript replayed on the processing rules alone: the compat fixture in an in-memory server, no
 * sockets. The lines tagged {@code jetty} apply, since the rules are rpcws's.
 */
class TranscriptCoreTest {
    static List<Transcript> transcripts() {
        List<Transcript> all = Transcript.all(Path.of("transcripts"));
        assertThat(all).hasSizeGreaterThanOrEqualTo(7);
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transcripts")
    void replays(Transcript transcript) {
        InMemoryServer server = new InMemoryServer();
        CompatFixture.install(server);
        transcript.replay(new Transcript.Target() {
            @Override public String name() { return "jetty"; }

            @Override public Transcript.Connection connect(String pathAndQuery) {
                InMemoryServer.Connection c = server.connect(pathAndQuery);
                return new Transcript.Connection() {
                    @Override public void send(String text) { c.send(text); }
                    @Override public void sendBinary(String text) { c.send(text); } // a binary frame's UTF-8 text takes the same path
                    @Override public void close() { c.close(); }

                    @Override public Transcript.Frame next(Duration timeout) {
                        String text = c.next(timeout);
                        return text == null ? null : new Transcript.Frame(text, false);
                    }
                };
            }

            @Override public void emit(String namespace, String event, List<JsonNode> args) {
                if (namespace == null) server.emit(event, args);
                else server.emitIn(namespace, event, args);
            }
        });
    }
}
