package dev.rpcws.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A WebSocket peer written by hand on a plain socket, for what no WebSocket library will send: a text
 * frame with malformed UTF-8, fragments split where we choose, a handshake with chosen headers.
 */
final class RawTcp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    final String handshakeResponse;

    RawTcp(int port, String path, String... extraHeaders) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        StringBuilder req = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
                .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(key)).append("\r\n");
        for (String h : extraHeaders) req.append(h).append("\r\n");
        out.write(req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        handshakeResponse = readHead();
    }

    private String readHead() throws IOException {
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

    /** A frame from the server: whether it ends its message, its opcode, RSV1 (compressed, permessage-deflate), its payload. */
    record Frame(boolean fin, int opcode, boolean compressed, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** Sends one masked, final frame with the given opcode and raw payload. */
    void sendFrame(int opcode, byte[] payload) throws IOException {
        sendFrame(true, opcode, payload);
    }

    /** Sends one masked frame; {@code fin} false leaves the message open for continuation frames (opcode 0). */
    void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
        sendFrame(fin, false, opcode, payload);
    }

    /** As above; {@code rsv1} marks the first frame of a compressed message (permessage-deflate). */
    void sendFrame(boolean fin, boolean rsv1, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
        if (payload.length < 126) f.write(0x80 | payload.length);
        else if (payload.length <= 0xffff) {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length & 0xff);
        } else {
            f.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) f.write((int) ((long) payload.length >>> shift) & 0xff);
        }
        byte[] mask = {1, 2, 3, 4};
        f.write(mask);
        for (int i = 0; i < payload.length; i++) f.write(payload[i] ^ mask[i % 4]);
        out.write(f.toByteArray());
        out.flush();
    }

    /** Reads frames until a close frame and returns its status code (-1 if the socket ends first). */
    int awaitCloseCode() throws IOException {
        while (true) {
            Frame f = nextFrame();
            if (f == null) return -1;
            byte[] p = f.payload();
            if (f.opcode() == 0x8) return p.length >= 2 ? ((p[0] & 0xff) << 8) | (p[1] & 0xff) : 1005;
        }
    }

    /** The next frame from the server (unmasked), or null when the socket ends. */
    Frame nextFrame() throws IOException {
        int b0 = in.read();
        if (b0 < 0) return null;
        long len = in.read() & 0x7f;
        if (len == 126) len = (in.read() << 8) | in.read();
        else if (len == 127) for (int i = 0; i < 8; i++) len = (len << 8) | in.read();
        return new Frame((b0 & 0x80) != 0, b0 & 0x0f, (b0 & 0x40) != 0, in.readNBytes(Math.toIntExact(len)));
    }

    /** The next data message from the server, its fragments joined (control frames skipped): a frame with {@code fin} set. */
    Frame nextMessage() throws IOException {
        Frame first = nextFrame();
        while (first != null && first.opcode() >= 0x8) first = nextFrame();
        if (first == null || first.fin()) return first;
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        whole.writeBytes(first.payload());
        for (Frame f = nextFrame(); ; f = nextFrame()) {
            if (f == null) throw new IOException("the socket ended inside a fragmented message");
            if (f.opcode() >= 0x8) continue;
            whole.writeBytes(f.payload());
            if (f.fin()) return new Frame(true, first.opcode(), first.compressed(), whole.toByteArray());
        }
    }

    /** Drops the connection with a TCP reset instead of a close handshake or a FIN. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override public void close() throws IOException {
        socket.close();
    }
}
