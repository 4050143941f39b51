package dev.rpcws.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Locale;

/**
 * The machine's floor for this workload: the least a WebSocket server can do on the same loopback, one selector
 * thread on raw NIO with the framing of {@link WsFraming}. It answers each text frame with a pre-encoded reply
 * (no JSON, no dispatch: the reply's bytes are fixed except for the request's id, copied byte for byte so that
 * the generators can match replies to calls), and an emit on its admin port writes one pre-encoded frame to
 * every subscribed socket in one loop. It reads a burst, answers every frame of it, and writes once.
 *
 * <p>It speaks just enough of the benchmark's protocol for the generators to measure it like the real servers:
 * an {@code rpc.on} request is acknowledged and marks the connection a subscriber; {@code POST /admin/emit} with
 * {@code {"event":E,"args":A}} sends {@code {"notification":E,"params":A}}. No heartbeats, no extensions.
 *
 * <pre>java -cp bench/target/rpcws-bench.jar dev.rpcws.bench.FloorServer   # prints: listening ws=P admin=A</pre>
 */
final class FloorServer {
    static final byte[] CALL_REPLY_PREFIX = ascii("{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":");
    static final byte[] SUBSCRIBE_PREFIX = ascii("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\"");
    private static final byte[] SUBSCRIBE_REPLY = ascii("{\"jsonrpc\":\"2.0\",\"result\":{\"newsUpdate\":\"ok\"},\"id\":1}");
    private static final byte[] EMIT_OK = ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"
            + "Connection: close\r\n\r\n{\"ok\":true}");
    private static final byte[] EMIT_BAD = ascii("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    private static final int MAX_PAYLOAD = 64 * 1024;
    private static final int MAX_HEAD = 8192;

    private final Selector selector;
    private final ServerSocketChannel ws;
    private final ServerSocketChannel admin;
    private final ByteBuffer in = ByteBuffer.allocateDirect(256 * 1024);
    private final ByteBuffer out = ByteBuffer.allocateDirect(256 * 1024);
    private final byte[] subscribeReplyFrame = WsFraming.frame(WsFraming.TEXT, SUBSCRIBE_REPLY);
    private final LinkedHashSet<Peer> subscribers = new LinkedHashSet<>();
    private volatile boolean stopped;

    /** One connection, WebSocket or admin HTTP. Keeps bytes only while a frame or a write is incomplete. */
    private static final class Peer {
        final SocketChannel channel;
        final boolean admin;
        Outbox out;
        boolean upgraded;
        boolean subscribed;
        byte[] partial;

        Peer(SocketChannel channel, boolean admin) {
            this.channel = channel;
            this.admin = admin;
        }
    }

    FloorServer() throws IOException {
        selector = Selector.open();
        ws = listen();
        admin = listen();
    }

    private ServerSocketChannel listen() throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        s.configureBlocking(false);
        s.register(selector, SelectionKey.OP_ACCEPT);
        return s;
    }

    public static void main(String[] args) throws IOException {
        FloorServer floor = new FloorServer();
        System.out.println("listening ws=" + floor.port() + " admin=" + floor.adminPort());
        floor.run();
    }

    int port() {
        return ws.socket().getLocalPort();
    }

    int adminPort() {
        return admin.socket().getLocalPort();
    }

    /** Serves until {@link #stop}. */
    void run() throws IOException {
        try {
            while (!stopped) selector.select(this::handle);
        } finally {
            for (SelectionKey k : selector.keys()) k.channel().close();
            selector.close();
        }
    }

    /** Makes {@link #run} return, closing every connection; from any thread. */
    void stop() {
        stopped = true;
        selector.wakeup();
    }

    private void handle(SelectionKey k) {
        try {
            if (k.isAcceptable()) {
                accept((ServerSocketChannel) k.channel());
                return;
            }
            Peer p = (Peer) k.attachment();
            if (k.isWritable()) p.out.flush();
            if (k.isReadable() && k.isValid()) read(p);
        } catch (IOException | WsFraming.ProtocolError e) {
            close((Peer) k.attachment());
        }
    }

    private void accept(ServerSocketChannel server) throws IOException {
        SocketChannel ch = server.accept();
        if (ch == null) return;
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        Peer p = new Peer(ch, server == admin);
        p.out = new Outbox(ch, ch.register(selector, SelectionKey.OP_READ, p));
    }

    private void read(Peer p) throws IOException {
        in.clear();
        if (p.partial != null) {
            in.put(p.partial);
            p.partial = null;
        }
        int n = p.channel.read(in);
        if (n < 0) {
            close(p);
            return;
        }
        in.flip();
        out.clear();
        if (p.admin) emit(p);
        else if (!p.upgraded) upgrade(p);
        else frames(p);
        if (!p.channel.isOpen()) return;
        if (in.hasRemaining()) {
            if (in.remaining() > MAX_PAYLOAD + MAX_HEAD) throw new WsFraming.ProtocolError("too much unparsed input");
            p.partial = new byte[in.remaining()];
            in.get(p.partial);
        }
        out.flip();
        p.out.write(out);
    }

    /** Every complete frame of the burst; the answers go into {@link #out}, written once by {@link #read}. */
    private void frames(Peer p) {
        WsFraming.Frame f;
        while ((f = WsFraming.next(in, MAX_PAYLOAD)) != null) {
            switch (f.opcode()) {
                case WsFraming.TEXT, WsFraming.BINARY -> {
                    if (!f.fin()) throw new WsFraming.ProtocolError("fragmented messages are not part of the floor's workload");
                    if (startsWith(in, f.payloadStart(), f.payloadLength(), SUBSCRIBE_PREFIX)) {
                        if (!p.subscribed) subscribers.add(p);
                        p.subscribed = true;
                        reserve(subscribeReplyFrame.length).put(subscribeReplyFrame);
                    } else {
                        callReply(in, f.payloadStart(), f.payloadLength(), reserve(CALL_REPLY_PREFIX.length + 24));
                    }
                }
                case WsFraming.PING -> {
                    reserve(WsFraming.headerLength(f.payloadLength()) + f.payloadLength());
                    WsFraming.putHeader(out, WsFraming.PONG, f.payloadLength());
                    out.put(in.duplicate().limit(f.payloadStart() + f.payloadLength()).position(f.payloadStart()));
                }
                case WsFraming.CLOSE -> throw new WsFraming.ProtocolError("closed by the client");
                default -> { } // pongs and continuations of nothing: ignored
            }
        }
    }

    /**
     * Puts the reply frame to the call in {@code msg[start, start+length)} into {@code out}: the pre-encoded
     * prefix, then the call's trailing id digits ({@code ..."id":123}) copied as they are, then '}'.
     */
    static void callReply(ByteBuffer msg, int start, int length, ByteBuffer out) {
        int end = start + length - 1; // the closing '}'
        int digits = end;
        while (digits > start && msg.get(digits - 1) >= '0' && msg.get(digits - 1) <= '9') digits--;
        if (length == 0 || msg.get(end) != '}' || digits == end) throw new WsFraming.ProtocolError("no trailing id in the call");
        int idLength = end - digits;
        WsFraming.putHeader(out, WsFraming.TEXT, CALL_REPLY_PREFIX.length + idLength + 1);
        out.put(CALL_REPLY_PREFIX);
        out.put(msg.duplicate().limit(end).position(digits));
        out.put((byte) '}');
    }

    private ByteBuffer reserve(int bytes) {
        if (out.remaining() < bytes) throw new WsFraming.ProtocolError("reply burst larger than the write buffer");
        return out;
    }

    private void upgrade(Peer p) {
        int end = headEnd(in);
        if (end < 0) {
            if (in.remaining() > MAX_HEAD) throw new WsFraming.ProtocolError("request head too large");
            return;
        }
        byte[] head = new byte[end - in.position()];
        in.get(head);
        String key = header(new String(head, StandardCharsets.ISO_8859_1), "sec-websocket-key");
        if (key == null) throw new WsFraming.ProtocolError("not a WebSocket upgrade");
        out.put(ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + WsFraming.acceptKey(key) + "\r\n\r\n"));
        p.upgraded = true;
        frames(p);
    }

    /** {@code POST /admin/emit}: one frame, written to every subscriber in one loop, then the HTTP answer. */
    private void emit(Peer p) throws IOException {
        int end = headEnd(in);
        if (end < 0) return;
        String head = StandardCharsets.ISO_8859_1.decode(in.duplicate().limit(end)).toString();
        String lengthHeader = header(head, "content-length");
        int bodyLength = lengthHeader == null ? 0 : Integer.parseInt(lengthHeader);
        if (in.limit() - end < bodyLength) return; // the body is still coming
        byte[] body = new byte[bodyLength];
        in.position(end).get(body);
        byte[] notification = notificationFor(body);
        if (notification == null || !head.startsWith("POST /admin/emit ")) {
            out.put(EMIT_BAD);
        } else {
            ByteBuffer frame = ByteBuffer.wrap(WsFraming.frame(WsFraming.TEXT, notification));
            for (Peer s : subscribers) {
                if (s.channel.isOpen()) s.out.write(frame.duplicate());
            }
            out.put(EMIT_OK);
        }
        out.flip();
        p.out.write(out);
        out.clear();
        close(p);
    }

    /** {@code {"notification":E,"params":A}} for an emit body {@code {"event":"E","args":A}}, or null. */
    static byte[] notificationFor(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        int event = text.indexOf("\"event\":\"");
        int args = text.indexOf("\"args\":");
        int close = text.lastIndexOf('}');
        if (event < 0 || args < 0 || close < args) return null;
        int eventStart = event + "\"event\":\"".length();
        int eventEnd = text.indexOf('"', eventStart);
        if (eventEnd < 0) return null;
        return ("{\"notification\":\"" + text.substring(eventStart, eventEnd) + "\",\"params\":"
                + text.substring(args + "\"args\":".length(), close).trim() + "}").getBytes(StandardCharsets.UTF_8);
    }

    private void close(Peer p) {
        if (p == null) return;
        if (p.subscribed) subscribers.remove(p);
        p.subscribed = false;
        try {
            p.channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** The index just past the {@code \r\n\r\n} ending an HTTP head at {@code buf}'s position, or -1. */
    private static int headEnd(ByteBuffer buf) {
        for (int i = buf.position(); i + 3 < buf.limit(); i++) {
            if (buf.get(i) == '\r' && buf.get(i + 1) == '\n' && buf.get(i + 2) == '\r' && buf.get(i + 3) == '\n') return i + 4;
        }
        return -1;
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) return line.substring(colon + 1).trim();
        }
        return null;
    }

    private static boolean startsWith(ByteBuffer buf, int start, int length, byte[] prefix) {
        if (length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (buf.get(start + i) != prefix[i]) return false;
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
