package dev.rpcws.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * RFC 6455 framing as the floor server ({@link FloorServer}) needs it: client frames in (masked, unmasked here in
 * place), server frames out (unmasked), and the handshake's accept key. Written for the bench because the floor
 * is meant to be the least a server can do on this transport, with no library's layers in between.
 */
final class WsFraming {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    private WsFraming() {}

    /** One client frame: its payload lies unmasked at {@code payloadStart} of the buffer it was read from. */
    record Frame(boolean fin, int opcode, int payloadStart, int payloadLength) {}

    /** A frame a server must refuse (RFC 6455 5.1, 5.2): the connection is closed. */
    static final class ProtocolError extends RuntimeException {
        ProtocolError(String message) {
            super(message);
        }
    }

    /**
     * The client frame at {@code buf}'s position: unmasks its payload in place and moves the position past it.
     * Returns null, leaving the buffer as it was, while the frame is incomplete.
     */
    static Frame next(ByteBuffer buf, int maxPayload) {
        int p = buf.position();
        int available = buf.limit() - p;
        if (available < 2) return null;
        int b0 = buf.get(p) & 0xff;
        int b1 = buf.get(p + 1) & 0xff;
        if ((b0 & 0x70) != 0) throw new ProtocolError("reserved bits set without an extension");
        if ((b1 & 0x80) == 0) throw new ProtocolError("unmasked client frame");
        long length = b1 & 0x7f;
        int header = 2;
        if (length == 126) {
            if (available < 4) return null;
            length = buf.getShort(p + 2) & 0xffff;
            header = 4;
        } else if (length == 127) {
            if (available < 10) return null;
            length = buf.getLong(p + 2);
            header = 10;
        }
        if (length < 0 || length > maxPayload) throw new ProtocolError("frame of " + length + " bytes");
        if (available < header + 4 + length) return null;
        int mask = p + header;
        int start = mask + 4;
        for (int i = 0; i < length; i++) buf.put(start + i, (byte) (buf.get(start + i) ^ buf.get(mask + (i & 3))));
        buf.position(start + (int) length);
        return new Frame((b0 & 0x80) != 0, b0 & 0x0f, start, (int) length);
    }

    /** An unfragmented server frame carrying {@code payload}. */
    static byte[] frame(int opcode, byte[] payload) {
        ByteBuffer out = ByteBuffer.allocate(headerLength(payload.length) + payload.length);
        putHeader(out, opcode, payload.length);
        return out.put(payload).array();
    }

    static int headerLength(int payloadLength) {
        return payloadLength < 126 ? 2 : payloadLength < 65536 ? 4 : 10;
    }

    /** The header of an unfragmented, unmasked server frame. */
    static void putHeader(ByteBuffer out, int opcode, int payloadLength) {
        out.put((byte) (0x80 | opcode));
        if (payloadLength < 126) {
            out.put((byte) payloadLength);
        } else if (payloadLength < 65536) {
            out.put((byte) 126).putShort((short) payloadLength);
        } else {
            out.put((byte) 127).putLong(payloadLength);
        }
    }

    /** {@code Sec-WebSocket-Accept} for a {@code Sec-WebSocket-Key}. */
    static String acceptKey(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
