package dev.rpcws.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * Writes to a non-blocking socket without ever waiting: what the socket does not take now is kept, in order, and
 * written once the selector says it is writable again ({@link #flush}). The generators and the floor use it.
 */
final class Outbox {
    private final SocketChannel channel;
    private final SelectionKey key;
    private ByteBuffer unsent;

    Outbox(SocketChannel channel, SelectionKey key) {
        this.channel = channel;
        this.key = key;
    }

    /** Writes {@code data} now as far as the socket takes it; keeps the rest (and asks for OP_WRITE). */
    void write(ByteBuffer data) throws IOException {
        if (!data.hasRemaining()) return;
        if (unsent != null) {
            unsent = append(unsent, data);
            return;
        }
        channel.write(data);
        if (data.hasRemaining()) {
            unsent = append(ByteBuffer.allocate(0), data);
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
    }

    /** On OP_WRITE: writes what was kept; back to reading only once all of it went out. */
    void flush() throws IOException {
        if (unsent == null) return;
        unsent.flip();
        channel.write(unsent);
        if (unsent.hasRemaining()) {
            unsent.compact();
            return;
        }
        unsent = null;
        key.interestOps(SelectionKey.OP_READ);
    }

    /** {@code buffer} in write mode with {@code data} appended. */
    private static ByteBuffer append(ByteBuffer buffer, ByteBuffer data) {
        if (buffer.remaining() < data.remaining()) {
            buffer = ByteBuffer.allocate(Math.max(4096, 2 * (buffer.position() + data.remaining()))).put(buffer.flip());
        }
        return buffer.put(data);
    }
}
