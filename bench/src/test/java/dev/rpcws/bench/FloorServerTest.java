package dev.rpcws.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The floor server answers the benchmark's workload the way the generators check it (every reply byte for
 * byte, every notification counted), with its pre-encoded replies. Correctness only; its speed is what
 * bench/run.sh measures.
 */
class FloorServerTest {
    private FloorServer floor;
    private Thread thread;

    @BeforeEach
    void start() throws Exception {
        floor = new FloorServer();
        thread = new Thread(() -> {
            try {
                floor.run();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "floor");
        thread.start();
    }

    @AfterEach
    void stop() throws Exception {
        floor.stop();
        thread.join(5_000);
        assertThat(thread.isAlive()).isFalse();
    }

    @Test
    void callsAreAnsweredWithTheirIdAndSubscribersGetEveryEmit() {
        try (LoadGenerator gen = new LoadGenerator("/")) {
            List<LoadGenerator.Conn> conns = gen.open(floor.port(), 6, 3, Duration.ofSeconds(10));
            assertThat(conns).hasSize(6);
            assertThat(gen.deflateAccepted()).as("the floor has no extensions").isFalse();

            CallRun run = gen.calls(conns, 4, Duration.ofMillis(100), Duration.ofMillis(300), () -> 0);
            assertThat(run.calls()).isPositive();
            assertThat(run.errors()).as("every reply is checked byte for byte, id included").isZero();

            assertThat(gen.subscribe(conns.subList(0, 4), "newsUpdate", Duration.ofSeconds(5))).isZero();
            for (int r = 1; r <= 3; r++) {
                FanOutRound round = gen.fanOutRound(floor.adminPort(), "newsUpdate", r, 4, "hello", Duration.ofSeconds(5), () -> 0);
                assertThat(round.complete()).as("round %d: %s", r, round).isTrue();
            }
            gen.idle(Duration.ofMillis(200));
            assertThat(gen.unexpectedFrames()).as("only the 4 subscribers got the notifications").isZero();
            assertThat(gen.protocolErrors()).isZero();
        }
    }

    @Test
    void theReplyIsThePreEncodedPrefixWithTheCallsIdCopied() {
        byte[] call = "xx{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2],\"id\":1000000017}".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(128);
        FloorServer.callReply(ByteBuffer.wrap(call), 2, call.length - 2, out);
        out.flip();
        assertThat(out.get() & 0xff).isEqualTo(0x81);
        int length = out.get();
        byte[] payload = new byte[out.remaining()];
        out.get(payload);
        assertThat(new String(payload, StandardCharsets.US_ASCII)).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":1000000017}");
        assertThat(length).isEqualTo(payload.length);

        byte[] noId = "{\"jsonrpc\":\"2.0\",\"method\":\"sum\"}".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> FloorServer.callReply(ByteBuffer.wrap(noId), 0, noId.length, ByteBuffer.allocate(128)))
                .isInstanceOf(WsFraming.ProtocolError.class);
    }

    @Test
    void anEmitBodyBecomesOneNotification() {
        byte[] body = "{\"event\":\"newsUpdate\",\"args\":[{\"round\":3,\"text\":\"a}b\"}]}".getBytes(StandardCharsets.UTF_8);
        assertThat(new String(FloorServer.notificationFor(body), StandardCharsets.UTF_8))
                .isEqualTo("{\"notification\":\"newsUpdate\",\"params\":[{\"round\":3,\"text\":\"a}b\"}]}");
        assertThat(FloorServer.notificationFor("{\"args\":[]}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(FloorServer.notificationFor("{\"event\":\"x\"}".getBytes(StandardCharsets.UTF_8))).isNull();
    }
}
