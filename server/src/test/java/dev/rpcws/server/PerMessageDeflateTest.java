package dev.rpcws.server;

import dev.rpcws.testkit.Allocations;
import dev.rpcws.testkit.PerMessageDeflate;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.WebSocketFrames;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import static dev.rpcws.testkit.WebSocketFrames.CONTINUATION;
import static dev.rpcws.testkit.WebSocketFrames.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code --permessage-deflate} (RFC 7692): compressed messages on the wire, whole and in fragments, are
 * answered with compressed replies; and a decompression bomb (a small compressed message that inflates past
 * {@code --max-message-size}) closes with 1009 once the limit is passed, without being inflated whole.
 */
class PerMessageDeflateTest {
    private static final String OFFER = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits";

    @Test
    void aCompressedOneMebibyteCallIsAnsweredCompressed() throws Exception {
        String payload = "héllo wörld ".repeat(90_000); // a little over 1 MiB of UTF-8
        byte[] request = ("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"" + payload + "\"],\"id\":1}").getBytes(StandardCharsets.UTF_8);
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.perMessageDeflate(true));
             RawTcp peer = new RawTcp(jetty.port(), "/", OFFER)) {
            assertThat(peer.handshakeResponse).containsIgnoringCase("Sec-WebSocket-Extensions: permessage-deflate");
            byte[] compressed = PerMessageDeflate.compress(request);
            assertThat(compressed.length).as("compressed request").isLessThan(request.length / 10);
            peer.sendFrame(true, true, TEXT, compressed);

            WebSocketFrames.Frame reply = peer.nextMessage();
            assertThat(reply.compressed()).as("RSV1: the reply is compressed").isTrue();
            assertSameText(new String(PerMessageDeflate.inflate(reply.payload()), StandardCharsets.UTF_8),
                    "{\"jsonrpc\":\"2.0\",\"result\":[\"" + payload + "\"],\"id\":1}");
        }
    }

    @Test
    void theMetricsCountTheConnectionsThatNegotiatedCompression() throws Exception {
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.perMessageDeflate(true));
             RawTcp offering = new RawTcp(jetty.port(), "/", OFFER);
             RawTcp plain = new RawTcp(jetty.port(), "/")) {
            Poll.until("both connections open", Duration.ofSeconds(5), () -> jetty.server().metrics().openConnections() == 2);
            assertThat(jetty.admin().metric("rpcws_connections_opened_total")).isEqualTo(2);
            assertThat(jetty.admin().metric("rpcws_connections_compressed_total")).isEqualTo(1);
        }
    }

    /** RFC 7692 section 6.1: one compressed message in several frames, RSV1 on the first frame only. */
    @Test
    void aCompressedMessageInFragmentsIsAnsweredWhole() throws Exception {
        byte[] request = "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"fragmented and compressed ✓\"],\"id\":2}"
                .getBytes(StandardCharsets.UTF_8);
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.perMessageDeflate(true));
             RawTcp peer = new RawTcp(jetty.port(), "/", OFFER)) {
            byte[] compressed = PerMessageDeflate.compress(request);
            int third = compressed.length / 3;
            peer.sendFrame(false, true, TEXT, Arrays.copyOfRange(compressed, 0, third));
            peer.sendFrame(false, false, CONTINUATION, Arrays.copyOfRange(compressed, third, 2 * third));
            peer.sendFrame(true, false, CONTINUATION, Arrays.copyOfRange(compressed, 2 * third, compressed.length));

            WebSocketFrames.Frame reply = peer.nextMessage();
            assertThat(reply.compressed()).as("RSV1: the reply is compressed").isTrue();
            assertThat(new String(PerMessageDeflate.inflate(reply.payload()), StandardCharsets.UTF_8)).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":[\"fragmented and compressed ✓\"],\"id\":2}");
        }
    }

    /**
     * One frame of about 1 MiB that inflates to 1 GiB, against a limit of 1 MiB. "Not inflated whole" is
     * measured as the bytes this JVM's threads (the server's included) allocate while the server handles the
     * bomb: inflating it whole would allocate at least the 1 GiB.
     */
    @Test
    void aDecompressionBombClosesWith1009WithoutBeingInflatedWhole() throws Exception {
        long inflated = 1L << 30;
        byte[] bomb = PerMessageDeflate.compressedRun('a', inflated);
        assertThat(bomb.length).as("compressed size").isLessThan(2 << 20);
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.perMessageDeflate(true).maxMessageBytes(1 << 20));
             RawTcp peer = new RawTcp(jetty.port(), "/", OFFER)) {
            long allocatedBefore = Allocations.byAllThreads();
            long start = System.nanoTime();
            peer.sendFrame(true, true, TEXT, bomb);
            int code = peer.awaitCloseCode();
            long millis = (System.nanoTime() - start) / 1_000_000;
            long allocated = Allocations.byAllThreads() - allocatedBefore;
            System.out.printf("bomb: %d bytes inflating to %d; closed with %d after %d ms; %d MiB allocated meanwhile%n",
                    bomb.length, inflated, code, millis, allocated >> 20);

            assertThat(code).isEqualTo(1009);
            assertThat(allocated).as("bytes allocated while the server handled the bomb").isLessThan(inflated / 16);
        }
    }

    /** Equal texts, compared without printing a mebibyte when they differ. */
    private static void assertSameText(String actual, String expected) {
        int at = 0;
        while (at < Math.min(actual.length(), expected.length()) && actual.charAt(at) == expected.charAt(at)) at++;
        assertThat(at == expected.length() && at == actual.length())
                .as("texts of %d and %d characters first differ at %d", actual.length(), expected.length(), at).isTrue();
    }
}
