package dev.rpcws.server;

import dev.rpcws.testkit.WebSocketFrames;
import dev.rpcws.testkit.WebSocketFrames.Frame;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

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
        handshakeResponse = WebSocketFrames.readHttpHead(in);
    }

    /** A frame from the server. */
    Frame nextFrame() throws IOException {
        return WebSocketFrames.read(in);
    }

    /** The next data message from the server, its fragments joined (control frames skipped): a frame with {@code fin} set. */
    Frame nextMessage() throws IOException {
        return WebSocketFrames.readMessage(in);
    }

    /** Reads frames until a close frame and returns its status code (-1 if the socket ends first). */
    int awaitCloseCode() throws IOException {
        return WebSocketFrames.awaitCloseCode(in);
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
        WebSocketFrames.write(out, fin, rsv1, opcode, payload, true);
    }

    /** Sends masked text frames in one write, so that the server reads them together. */
    void sendTexts(List<String> texts) throws IOException {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (String text : texts) WebSocketFrames.write(frames, true, false, 0x1, text.getBytes(StandardCharsets.UTF_8), true);
        out.write(frames.toByteArray());
        out.flush();
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
