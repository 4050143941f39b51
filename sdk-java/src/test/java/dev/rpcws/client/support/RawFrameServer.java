package dev.rpcws.client.support;

import dev.rpcws.testkit.WebSocketFrames;
import dev.rpcws.testkit.WebSocketFrames.Frame;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A WebSocket server written by hand on a plain socket, for frames no WebSocket library sends on demand: a
 * compressed message split where the test chooses, a decompression bomb. It takes one connection at a time and
 * accepts permessage-deflate when the client offers it, unless made to decline it.
 */
public final class RawFrameServer implements AutoCloseable {
    private static final Pattern KEY = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)\\s*$");
    private static final Pattern EXTENSIONS = Pattern.compile("(?im)^Sec-WebSocket-Extensions:(.*)$");

    private final ServerSocket listener;
    private final boolean acceptsCompression;

    /** A server that accepts permessage-deflate when offered. */
    public RawFrameServer() {
        this(true);
    }

    /** {@code acceptsCompression} false: it declines permessage-deflate, as servers do by default. */
    public RawFrameServer(boolean acceptsCompression) {
        this.acceptsCompression = acceptsCompression;
        try {
            listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            listener.setSoTimeout(5000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI uri() {
        return URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/");
    }

    /** Waits up to 5 s for the next client and completes its handshake. */
    public Connection accept() throws IOException {
        Socket socket = listener.accept();
        socket.setSoTimeout(5000);
        return new Connection(socket, acceptsCompression);
    }

    @Override public void close() throws IOException {
        listener.close();
    }

    /** One client's connection after the handshake. */
    public static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        /** What the client offered in {@code Sec-WebSocket-Extensions}, empty if nothing. */
        public final String offeredExtensions;
        private final boolean compressed;

        private Connection(Socket socket, boolean acceptsCompression) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
            String request = WebSocketFrames.readHttpHead(in);
            Matcher key = KEY.matcher(request);
            if (!key.find()) throw new IOException("not a WebSocket handshake: " + request);
            Matcher extensions = EXTENSIONS.matcher(request);
            offeredExtensions = extensions.find() ? extensions.group(1).trim() : "";
            compressed = acceptsCompression && offeredExtensions.contains("permessage-deflate");
            String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept(key.group(1)) + "\r\n"
                    + (compressed ? "Sec-WebSocket-Extensions: permessage-deflate\r\n" : "")
                    + "\r\n";
            out.write(response.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** Whether this connection negotiated permessage-deflate. */
        public boolean compressed() {
            return compressed;
        }

        /** Sends one unmasked frame as a server does; {@code rsv1} marks the first frame of a compressed message. */
        public void send(boolean fin, boolean rsv1, int opcode, byte[] payload) throws IOException {
            WebSocketFrames.write(out, fin, rsv1, opcode, payload, false);
        }

        /**
         * Sends one frame the client may stop reading partway (a message over its limit), on another thread so the
         * test reads on: a client that drops the connection meanwhile ends the write, not the test.
         */
        public void sendWhileReading(boolean fin, boolean rsv1, int opcode, byte[] payload) {
            CompletableFuture.runAsync(() -> {
                try {
                    send(fin, rsv1, opcode, payload);
                } catch (IOException droppedByTheClient) {
                    // what a client that stopped reading may do
                }
            });
        }

        /** The frames of the client's next data message as they came; empty when the socket ends first. */
        public List<Frame> nextMessageFrames() throws IOException {
            return WebSocketFrames.readMessageFrames(in);
        }

        /**
         * Reads the client's frames until its close frame, answers it as a server does, and returns its code (-1 if
         * the socket ends first). A client that failed the connection may drop it right after its close frame
         * (RFC 6455 7.1.7), so the answer is not required to get through.
         */
        public int awaitCloseCode() throws IOException {
            int code = WebSocketFrames.awaitCloseCode(in);
            try {
                if (code > 0) send(true, false, WebSocketFrames.CLOSE, new byte[] {(byte) (code >> 8), (byte) code});
            } catch (IOException dropped) {
                // the client closed the socket first
            }
            return code;
        }

        @Override public void close() throws IOException {
            socket.close();
        }

        private static String accept(String key) {
            try {
                byte[] sha1 = MessageDigest.getInstance("SHA-1")
                        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
                return Base64.getEncoder().encodeToString(sha1);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
