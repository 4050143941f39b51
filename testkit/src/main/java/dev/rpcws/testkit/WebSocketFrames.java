package dev.rpcws.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** RFC 6455 frames written and read by hand, for the peers tests write on plain sockets. */
public final class WebSocketFrames {
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;

    private WebSocketFrames() {}

    /** A frame as it was on the wire, unmasked: whether it ends its message, its opcode, RSV1 (compressed), its payload. */
    public record Frame(boolean fin, int opcode, boolean compressed, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public boolean control() {
            return opcode >= CLOSE;
        }

        /** A close frame's status code (1005 when it has none). */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    /** Writes one frame; {@code masked}: as a client must, a server must not; {@code rsv1}: the first frame of a compressed message. */
    public static void write(OutputStream out, boolean fin, boolean rsv1, int opcode, byte[] payload, boolean masked) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) f.write(maskBit | payload.length);
        else if (payload.length <= 0xffff) {
            f.write(maskBit | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length & 0xff);
        } else {
            f.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) f.write((int) ((long) payload.length >>> shift) & 0xff);
        }
        if (masked) {
            byte[] mask = {1, 2, 3, 4};
            f.write(mask);
            for (int i = 0; i < payload.length; i++) f.write(payload[i] ^ mask[i % 4]);
        } else {
            f.write(payload);
        }
        out.write(f.toByteArray());
        out.flush();
    }

    /** The next frame, unmasked if it was masked; null when the stream ends. */
    public static Frame read(InputStream in) throws IOException {
        int b0 = in.read();
        if (b0 < 0) return null;
        int b1 = in.read();
        long len = b1 & 0x7f;
        if (len == 126) len = (in.read() << 8) | in.read();
        else if (len == 127) for (int i = 0; i < 8; i++) len = (len << 8) | in.read();
        byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
        byte[] payload = in.readNBytes(Math.toIntExact(len));
        if (payload.length < len) throw new IOException("the stream ended inside a frame");
        if (mask != null) for (int i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
        return new Frame((b0 & 0x80) != 0, b0 & 0x0f, (b0 & 0x40) != 0, payload);
    }

    /** The next data message, its fragments joined and control frames skipped, as one frame with {@code fin} set; null when the stream ends first. */
    public static Frame readMessage(InputStream in) throws IOException {
        List<Frame> frames = readMessageFrames(in);
        return frames.isEmpty() ? null : new Frame(true, frames.get(0).opcode(), frames.get(0).compressed(), join(frames));
    }

    /** The payloads of a message's frames, joined. */
    public static byte[] join(List<Frame> frames) {
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        frames.forEach(f -> whole.writeBytes(f.payload()));
        return whole.toByteArray();
    }

    /** The frames of the next data message as they came (control frames skipped); empty when the stream ends first. */
    public static List<Frame> readMessageFrames(InputStream in) throws IOException {
        List<Frame> frames = new ArrayList<>();
        for (Frame f = read(in); ; f = read(in)) {
            if (f == null) {
                if (frames.isEmpty()) return frames;
                throw new IOException("the stream ended inside a fragmented message");
            }
            if (f.control()) continue;
            frames.add(f);
            if (f.fin()) return frames;
        }
    }

    /** Reads frames until a close frame and returns its status code (-1 if the stream ends first). */
    public static int awaitCloseCode(InputStream in) throws IOException {
        for (Frame f = read(in); f != null; f = read(in)) {
            if (f.opcode() == CLOSE) return f.closeCode();
        }
        return -1;
    }

    /** An HTTP head (request or response) up to and including its blank line. */
    public static String readHttpHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) break;
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
