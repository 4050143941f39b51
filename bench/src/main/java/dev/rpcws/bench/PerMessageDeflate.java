package dev.rpcws.bench;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The client side of permessage-deflate (RFC 7692) as the real rpc-websockets Node client uses it through
 * {@code ws}: offered in every handshake; once a server accepts it, messages of at least 1024 bytes are
 * compressed ({@code ws}'s default threshold, so small calls go out uncompressed) and every compressed
 * message from the server is inflated. Only used when a server accepts the offer (the Jetty server with
 * {@code --permessage-deflate}); both servers decline it by default.
 */
final class PerMessageDeflate {
    /** Exactly what the {@code ws} client sends. */
    static final String OFFER = "permessage-deflate; client_max_window_bits";
    /** {@code ws}'s default: smaller messages are sent uncompressed. */
    static final int THRESHOLD = 1024;
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private final boolean resetInflater;
    private final boolean resetDeflater;
    private final Inflater inflater = new Inflater(true);
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);

    private PerMessageDeflate(boolean serverNoContextTakeover, boolean clientNoContextTakeover) {
        this.resetInflater = serverNoContextTakeover;
        this.resetDeflater = clientNoContextTakeover;
    }

    /** The codec for a server's {@code Sec-WebSocket-Extensions} answer, or null when it declined. */
    static PerMessageDeflate negotiate(String accepted) {
        if (accepted == null || !accepted.trim().startsWith("permessage-deflate")) return null;
        boolean serverNoTakeover = false;
        boolean clientNoTakeover = false;
        String[] params = accepted.split(";");
        for (int i = 1; i < params.length; i++) {
            String p = params[i].trim();
            if (p.equals("server_no_context_takeover")) serverNoTakeover = true;
            else if (p.equals("client_no_context_takeover")) clientNoTakeover = true;
            else if (p.startsWith("client_max_window_bits") && !p.endsWith("=15") && p.contains("=")) {
                throw new IllegalStateException("the server asks for a deflate window java.util.zip cannot use: " + accepted);
            }
        }
        return new PerMessageDeflate(serverNoTakeover, clientNoTakeover);
    }

    /** Inflates one compressed message into {@code out} (cleared first; grown when needed); returns it flipped. */
    ByteBuffer inflate(ByteBuffer compressed, ByteBuffer out) {
        out.clear();
        try {
            inflater.setInput(compressed);
            out = drain(out);
            inflater.setInput(TAIL);
            out = drain(out);
        } catch (DataFormatException e) {
            throw new IllegalStateException("bad deflate data from the server", e);
        }
        if (resetInflater) inflater.reset();
        return out.flip();
    }

    private ByteBuffer drain(ByteBuffer out) throws DataFormatException {
        while (true) {
            if (!out.hasRemaining()) out = ByteBuffer.allocate(out.capacity() * 2).put(out.flip());
            int n = inflater.inflate(out);
            if (n == 0 && (inflater.needsInput() || inflater.finished())) return out;
        }
    }

    /** Compresses one message (SYNC_FLUSH, without the trailing 00 00 ff ff); returns it flipped. */
    ByteBuffer deflate(ByteBuffer payload) {
        ByteBuffer out = ByteBuffer.allocate(payload.remaining() + 64);
        deflater.setInput(payload);
        while (true) {
            deflater.deflate(out, Deflater.SYNC_FLUSH);
            if (out.hasRemaining()) break;
            out = ByteBuffer.allocate(out.capacity() * 2).put(out.flip());
        }
        if (resetDeflater) deflater.reset();
        out.flip();
        out.limit(out.limit() - TAIL.length);
        return out;
    }
}
