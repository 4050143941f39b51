package dev.rpcws.bench;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The floor server's RFC 6455 framing: client frames of every header form, split anywhere, and what it refuses. */
class WsFramingTest {
    /** A masked client frame, written here independently of the code under test (RFC 6455 5.2, 5.3). */
    static byte[] clientFrame(int b0, byte[] payload, int mask) {
        ByteBuffer out = ByteBuffer.allocate(14 + payload.length);
        out.put((byte) b0);
        if (payload.length < 126) out.put((byte) (0x80 | payload.length));
        else if (payload.length < 65536) out.put((byte) (0x80 | 126)).putShort((short) payload.length);
        else out.put((byte) (0x80 | 127)).putLong(payload.length);
        byte[] m = ByteBuffer.allocate(4).putInt(mask).array();
        out.put(m);
        for (int i = 0; i < payload.length; i++) out.put((byte) (payload[i] ^ m[i % 4]));
        return Arrays.copyOf(out.array(), out.position());
    }

    private static byte[] payloadOf(ByteBuffer buf, WsFraming.Frame f) {
        byte[] p = new byte[f.payloadLength()];
        buf.duplicate().position(f.payloadStart()).get(p);
        return p;
    }

    @Test
    void everyHeaderFormIsReadAndUnmasked() {
        Random random = new Random(17);
        for (int length : new int[] {0, 1, 125, 126, 127, 65535, 65536, 70000}) {
            byte[] payload = new byte[length];
            random.nextBytes(payload);
            int mask = random.nextInt();
            byte[] frame = clientFrame(0x81, payload, mask);
            ByteBuffer buf = ByteBuffer.wrap(frame);
            WsFraming.Frame f = WsFraming.next(buf, 1 << 20);
            assertThat(f).as("length %d", length).isNotNull();
            assertThat(f.fin()).isTrue();
            assertThat(f.opcode()).isEqualTo(WsFraming.TEXT);
            assertThat(payloadOf(buf, f)).as("length %d", length).isEqualTo(payload);
            assertThat(buf.position()).isEqualTo(frame.length);
        }
    }

    @Test
    void anIncompleteFrameWaitsAndLeavesTheBufferAsItWas() {
        Random random = new Random(6455);
        for (int trial = 0; trial < 200; trial++) {
            byte[] payload = new byte[random.nextInt(300)];
            random.nextBytes(payload);
            byte[] frame = clientFrame(0x81, payload, random.nextInt());
            int cut = random.nextInt(frame.length); // strictly shorter than the frame
            ByteBuffer partial = ByteBuffer.wrap(Arrays.copyOf(frame, cut));
            assertThat(WsFraming.next(partial, 1 << 20)).as("%d of %d bytes", cut, frame.length).isNull();
            assertThat(partial.position()).isZero();
            assertThat(partial.array()).as("nothing unmasked yet").isEqualTo(Arrays.copyOf(frame, cut));
        }
    }

    @Test
    void framesBackToBackAreReadInTurn() {
        byte[] a = "{\"id\":1}".getBytes(StandardCharsets.US_ASCII);
        byte[] ping = "p".getBytes(StandardCharsets.US_ASCII);
        byte[] b = "{\"id\":22}".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buf = ByteBuffer.allocate(64);
        buf.put(clientFrame(0x81, a, 0x01020304)).put(clientFrame(0x89, ping, 0x7f00ff00)).put(clientFrame(0x81, b, -1)).flip();
        WsFraming.Frame f1 = WsFraming.next(buf, 1024);
        assertThat(payloadOf(buf, f1)).isEqualTo(a);
        WsFraming.Frame f2 = WsFraming.next(buf, 1024);
        assertThat(f2.opcode()).isEqualTo(WsFraming.PING);
        assertThat(payloadOf(buf, f2)).isEqualTo(ping);
        assertThat(payloadOf(buf, WsFraming.next(buf, 1024))).isEqualTo(b);
        assertThat(WsFraming.next(buf, 1024)).isNull();
    }

    @Test
    void unmaskedFramesReservedBitsAndOversizedFramesAreRefused() {
        ByteBuffer unmasked = ByteBuffer.wrap(new byte[] {(byte) 0x81, 0x01, 'x'});
        assertThatThrownBy(() -> WsFraming.next(unmasked, 1024)).isInstanceOf(WsFraming.ProtocolError.class).hasMessageContaining("unmasked");
        ByteBuffer rsv1 = ByteBuffer.wrap(clientFrame(0xC1, new byte[] {'x'}, 1));
        assertThatThrownBy(() -> WsFraming.next(rsv1, 1024)).isInstanceOf(WsFraming.ProtocolError.class).hasMessageContaining("reserved");
        ByteBuffer big = ByteBuffer.wrap(clientFrame(0x81, new byte[2000], 1));
        assertThatThrownBy(() -> WsFraming.next(big, 1999)).isInstanceOf(WsFraming.ProtocolError.class).hasMessageContaining("2000");
        ByteBuffer negative = ByteBuffer.wrap(new byte[] {(byte) 0x81, (byte) 0xff, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        assertThatThrownBy(() -> WsFraming.next(negative, 1024)).isInstanceOf(WsFraming.ProtocolError.class);
    }

    @Test
    void serverFramesUseTheShortestLengthForm() {
        assertThat(Arrays.copyOf(WsFraming.frame(WsFraming.TEXT, new byte[125]), 2)).containsExactly(0x81, 125);
        assertThat(Arrays.copyOf(WsFraming.frame(WsFraming.TEXT, new byte[126]), 4)).containsExactly(0x81, 126, 0, 126);
        assertThat(Arrays.copyOf(WsFraming.frame(WsFraming.TEXT, new byte[65535]), 4)).containsExactly(0x81, 126, 0xff, 0xff);
        assertThat(Arrays.copyOf(WsFraming.frame(WsFraming.PONG, new byte[65536]), 10)).containsExactly(0x8A, 127, 0, 0, 0, 0, 0, 1, 0, 0);
        assertThat(WsFraming.frame(WsFraming.TEXT, new byte[65536])).hasSize(65546);
    }

    @Test
    void theAcceptKeyOfRfc6455() {
        assertThat(WsFraming.acceptKey("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
}
