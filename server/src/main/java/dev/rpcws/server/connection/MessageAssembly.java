package dev.rpcws.server.connection;

import dev.rpcws.protocol.Utf8;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.eclipse.jetty.websocket.core.exception.MessageTooLargeException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Turns a connection's data frames into messages, as Jetty's core API leaves that to us (decision 0004): the
 * fragments of a message are joined (control frames may come between them), a message over the size limit is
 * refused as soon as its fragments pass it (with permessage-deflate, Jetty hands over a compressed message in
 * inflated chunks, so a decompression bomb is refused after inflating about the limit, never whole), and text
 * must be valid UTF-8, as {@code ws} demands. Binary
 * messages are decoded as UTF-8 JSON, invalid sequences replaced as Node replaces them, and answered in text,
 * as the reference does. Only Jetty's reading thread calls it.
 */
final class MessageAssembly {
    private ByteArrayOutputStream fragments; // a fragmented message so far
    private byte fragmentedType;             // its opcode (TEXT or BINARY)

    /**
     * The whole message once its last frame is in, else null. Throws what Jetty closes with: a
     * {@link MessageTooLargeException} (1009) or a {@link BadPayloadException} (1007).
     */
    String add(Frame frame, CoreSession session) {
        try {
            return assemble(frame, session);
        } catch (RuntimeException e) {
            fragments = null;
            throw e;
        }
    }

    /** The connection is closed: a message in the middle of its fragments is dropped. */
    void reset() {
        fragments = null;
    }

    private String assemble(Frame frame, CoreSession session) {
        byte type = frame.getOpCode() == OpCode.CONTINUATION ? fragmentedType : frame.getOpCode();
        int sofar = fragments == null ? 0 : fragments.size();
        long limit = type == OpCode.TEXT ? session.getMaxTextMessageSize() : session.getMaxBinaryMessageSize();
        if (limit > 0 && (long) sofar + frame.getPayloadLength() > limit) {
            throw new MessageTooLargeException("Message larger than " + limit + " bytes");
        }
        byte[] bytes = new byte[frame.getPayloadLength()];
        if (frame.hasPayload()) frame.getPayload().slice().get(bytes);
        if (!frame.isFin() || fragments != null) {
            if (fragments == null) {
                fragments = new ByteArrayOutputStream(Math.max(RpcConnection.INPUT_BUFFER_BYTES, bytes.length * 2));
                fragmentedType = type;
            }
            fragments.writeBytes(bytes);
            if (!frame.isFin()) return null;
            bytes = fragments.toByteArray();
            fragments = null;
        }
        return type == OpCode.TEXT ? strictUtf8(bytes) : Utf8.decodeReplacing(bytes);
    }

    /** Decodes UTF-8, refusing malformed input; ASCII, what JSON mostly is, skips the decoder. */
    static String strictUtf8(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                try {
                    return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
                } catch (CharacterCodingException e) {
                    throw new BadPayloadException.InvalidUtf8();
                }
            }
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
