package dev.rpcws.server.events;

import java.nio.ByteBuffer;

/**
 * An event's notification, encoded once for all its subscribers: the UTF-8 JSON, and the same bytes as a whole
 * unmasked WebSocket text frame (header and payload in one buffer) for a socket that takes it directly.
 * Never modified: every reader gets a view of its own.
 */
public final class Notification {
    private final ByteBuffer frame;
    private final int headerBytes;

    /** @param json the notification's UTF-8 JSON */
    public Notification(byte[] json) {
        headerBytes = json.length < 126 ? 2 : json.length <= 0xFFFF ? 4 : 10;
        ByteBuffer f = ByteBuffer.allocate(headerBytes + json.length);
        f.put((byte) 0x81); // FIN, text
        if (headerBytes == 2) f.put((byte) json.length);
        else if (headerBytes == 4) f.put((byte) 126).putShort((short) json.length);
        else f.put((byte) 127).putLong(json.length);
        frame = f.put(json).flip().asReadOnlyBuffer();
    }

    /** @return the JSON bytes, a view of its own */
    public ByteBuffer payload() {
        return frame.duplicate().position(headerBytes).slice();
    }

    /** @return the whole text frame, a view of its own */
    public ByteBuffer frame() {
        return frame.duplicate();
    }

    /** @return the JSON's length in bytes */
    public int length() {
        return frame.capacity() - headerBytes;
    }
}
