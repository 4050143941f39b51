package dev.rpcws.server;

import dev.rpcws.protocol.Transcript;
import dev.rpcws.testkit.ProcessServer;
import dev.rpcws.testkit.ServerUnderTest;
import dev.rpcws.testkit.TranscriptTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every golden transcript, replayed against the Jetty server and against the canonical Node server:
 * the transcripts are proven on the reference, and Jetty is proven to speak exactly the same.
 */
class TranscriptReplayTest {
    private static ServerUnderTest jetty;
    private static ServerUnderTest node;

    @BeforeAll static void start() {
        jetty = InProcessJetty.start();
        node = ProcessServer.node(0);
    }

    @AfterAll static void stop() {
        if (jetty != null) jetty.close();
        if (node != null) node.close();
    }

    static Stream<Arguments> cases() {
        List<Transcript> all = TranscriptTarget.transcripts();
        assertThat(all).hasSizeGreaterThanOrEqualTo(6);
        return all.stream().flatMap(t -> Stream.of(Arguments.of(t, "jetty"), Arguments.of(t, "node")));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void replays(Transcript transcript, String server) {
        transcript.replay(new TranscriptTarget(server.equals("jetty") ? jetty : node));
    }
}
