package dev.rpcws.bench;

import dev.rpcws.server.RpcServer;
import dev.rpcws.server.ServerOptions;
import dev.rpcws.server.fixture.CompatFixture;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load generator speaks the protocol correctly (it checks every reply and counts what is wrong), with and
 * without permessage-deflate. Correctness only: timings are what bench/run.sh prints, never asserted here.
 */
class LoadGeneratorTest {
    private static RpcServer start(boolean deflate) throws Exception {
        RpcServer server = new RpcServer(ServerOptions.builder().port(0).adminPort(0).perMessageDeflate(deflate).build());
        CompatFixture.install(server);
        return server.start();
    }

    @Test
    void callsSubscriptionsAndFanOutAgainstTheJettyServer() throws Exception {
        try (RpcServer server = start(false); LoadGenerator gen = new LoadGenerator("/")) {
            List<LoadGenerator.Conn> conns = gen.open(server.port(), 4, 2, Duration.ofSeconds(10));
            assertThat(conns).hasSize(4);
            assertThat(gen.deflateAccepted()).as("rpcws declines deflate by default").isFalse();

            CallRun run = gen.calls(conns, 3, Duration.ofMillis(100), Duration.ofMillis(300), () -> 0);
            assertThat(run.calls()).isPositive();
            assertThat(run.errors()).isZero();
            assertThat(run.latencyNanos().getTotalCount()).as("every answered call's latency is recorded").isEqualTo(run.calls());
            assertThat(run.latencyNanos().getMinValue()).isPositive();

            assertThat(gen.subscribe(conns, "newsUpdate", Duration.ofSeconds(5))).isZero();
            for (int r = 1; r <= 3; r++) {
                FanOutRound round = gen.fanOutRound(server.adminPort(), "newsUpdate", r, 4, "hello", Duration.ofSeconds(5), () -> 0);
                assertThat(round.complete()).isTrue();
                assertThat(round.nanos()).isPositive();
            }
            assertThat(gen.unexpectedFrames()).isZero();
            assertThat(gen.protocolErrors()).isZero();
        }
    }

    @Test
    void withPermessageDeflateAcceptedRepliesAreInflated() throws Exception {
        try (RpcServer server = start(true); LoadGenerator gen = new LoadGenerator("/")) {
            List<LoadGenerator.Conn> conns = gen.open(server.port(), 2, 2, Duration.ofSeconds(10));
            assertThat(gen.deflateAccepted()).isTrue();
            CallRun run = gen.calls(conns, 2, Duration.ofMillis(100), Duration.ofMillis(300), () -> 0);
            assertThat(run.calls()).isPositive();
            assertThat(run.errors()).isZero();
            assertThat(gen.protocolErrors()).isZero();
            assertThat(gen.inflatedMessages()).as("Jetty compresses its replies once deflate is accepted").isPositive();
        }
    }

    @Test
    void deflateRoundTripsWithContextTakeover() {
        PerMessageDeflate client = PerMessageDeflate.negotiate("permessage-deflate");
        PerMessageDeflate server = PerMessageDeflate.negotiate("permessage-deflate");
        ByteBuffer out = ByteBuffer.allocate(16);
        for (String text : new String[] {"{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":1}", "x".repeat(5000), "{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":2}"}) {
            ByteBuffer compressed = client.deflate(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            out = server.inflate(compressed, out);
            assertThat(StandardCharsets.UTF_8.decode(out).toString()).isEqualTo(text);
        }
        assertThat(PerMessageDeflate.negotiate(null)).isNull();
    }
}
