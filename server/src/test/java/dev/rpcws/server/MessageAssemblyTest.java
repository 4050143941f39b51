package dev.rpcws.server;

import dev.rpcws.testkit.WebSocketFrames;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Messages split into fragments, as any WebSocket peer may send them, arrive whole and in order. */
class MessageAssemblyTest {
    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;
    private static final int CONTINUATION = 0x0;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;

    @Test
    void aTextMessageSplitInsideACharacterWithAPingBetweenItsFragmentsIsAnsweredWhole() throws Exception {
        byte[] message = "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"héllo\"],\"id\":7}".getBytes(StandardCharsets.UTF_8);
        int inE = indexOf(message, (byte) 0xc3) + 1; // between the two bytes of 'é'
        try (InProcessJetty jetty = InProcessJetty.start(); RawTcp peer = new RawTcp(jetty.port(), "/")) {
            peer.sendFrame(false, TEXT, Arrays.copyOfRange(message, 0, inE));
            peer.sendFrame(true, PING, "between".getBytes(StandardCharsets.US_ASCII)); // control frames may interleave
            peer.sendFrame(false, CONTINUATION, Arrays.copyOfRange(message, inE, inE + 3));
            peer.sendFrame(true, CONTINUATION, Arrays.copyOfRange(message, inE + 3, message.length));

            WebSocketFrames.Frame pong = peer.nextFrame();
            assertThat(pong.opcode()).isEqualTo(PONG);
            assertThat(pong.text()).isEqualTo("between");
            WebSocketFrames.Frame reply = peer.nextFrame();
            assertThat(reply.opcode()).isEqualTo(TEXT);
            assertThat(reply.text()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":[\"héllo\"],\"id\":7}");
        }
    }

    @Test
    void aFragmentedBinaryMessageIsAnsweredInText() throws Exception {
        byte[] message = "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2],\"id\":3}".getBytes(StandardCharsets.UTF_8);
        try (InProcessJetty jetty = InProcessJetty.start(); RawTcp peer = new RawTcp(jetty.port(), "/")) {
            peer.sendFrame(false, BINARY, Arrays.copyOfRange(message, 0, 10));
            peer.sendFrame(true, CONTINUATION, Arrays.copyOfRange(message, 10, message.length));
            WebSocketFrames.Frame reply = peer.nextFrame();
            assertThat(reply.opcode()).isEqualTo(TEXT);
            assertThat(reply.text()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":3}");
        }
    }

    @Test
    void fragmentsAddingUpPastTheLimitCloseWith1009() throws Exception {
        byte[] chunk = new byte[30 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.maxMessageBytes(64 * 1024));
             RawTcp peer = new RawTcp(jetty.port(), "/")) {
            peer.sendFrame(false, TEXT, "[\"".getBytes(StandardCharsets.US_ASCII));
            peer.sendFrame(false, CONTINUATION, chunk);
            peer.sendFrame(false, CONTINUATION, chunk);
            peer.sendFrame(false, CONTINUATION, chunk); // 90 KiB so far: over 64 KiB before the message ends
            assertThat(peer.awaitCloseCode()).isEqualTo(1009);
        }
    }

    @Test
    void malformedUtf8SplitAcrossFragmentsClosesWith1007() throws Exception {
        try (InProcessJetty jetty = InProcessJetty.start(); RawTcp peer = new RawTcp(jetty.port(), "/")) {
            peer.sendFrame(false, TEXT, "\"ab".getBytes(StandardCharsets.US_ASCII));
            peer.sendFrame(true, CONTINUATION, new byte[] {(byte) 0xc3, '"'}); // a lead byte with no continuation byte
            assertThat(peer.awaitCloseCode()).isEqualTo(1007);
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) if (bytes[i] == b) return i;
        throw new IllegalArgumentException("not found");
    }
}
