package dev.rpcws.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import org.HdrHistogram.Histogram;

/**
 * A load generator for any rpc-websockets server, on raw NIO in one thread: it speaks the wire protocol
 * itself (HTTP upgrade, masked client frames, JSON text) with no client library in the way, so a call costs
 * it a few microseconds. Every handshake offers permessage-deflate exactly as the real Node client does.
 *
 * <p>One generator drives connections to several servers at once (each {@link #open} names its target); a
 * resting server's connections still answer its pings while another server is measured, since all share one
 * selector. {@link NioAgent} runs it as its own process.
 *
 * <p>Every loop here is bounded by a deadline and by a count, and the generator only ever connects to the
 * address it is given (the benchmark gives it 127.0.0.1).
 */
final class LoadGenerator implements AutoCloseable {
    private static final byte[] CALL_PREFIX = ascii("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2],\"id\":");
    private static final byte[] CALL_REPLY_PREFIX = ascii("{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":");
    private static final byte[] ID_MEMBER = ascii("\"id\":");
    private static final byte[] NOTIFICATION_PREFIX = ascii("{\"notification\":\"");
    private static final byte[] ROUND_MEMBER = ascii("\"round\":");
    private static final int MAX_FRAME = 1 << 20;

    private final String path;
    private final Selector selector;
    private final ByteBuffer readBuf = ByteBuffer.allocateDirect(256 * 1024);
    private final ByteBuffer writeBuf = ByteBuffer.allocateDirect(64 * 1024);
    private final byte[] scratch = new byte[64 * 1024];
    private ByteBuffer inflated = ByteBuffer.allocate(64 * 1024);
    private final List<Conn> conns = new ArrayList<>();
    private long maskSeed = System.nanoTime() | 1;
    private Mode mode = Mode.IDLE;

    // what went wrong, over the generator's life
    private long protocolErrors;
    private long closedByServer;
    private long pongsSent;
    private long inflatedMessages;

    // calls
    private int inFlight;
    private boolean stopSending;
    private long outstanding;
    private long completed;
    private long callErrors;
    private boolean recording;
    private Histogram latencies;
    private long idBase;

    // subscriptions and fan-out
    private String event;
    private int pendingReplies;
    private int subscribeErrors;
    private int round;
    private int received;
    private long lastReceivedAt;
    private long stale;

    private enum Mode { IDLE, CALLS, SUBSCRIBE, FANOUT }

    /** Upgrades every connection at {@code path} (the servers here serve rpc-websockets' default namespace at /). */
    LoadGenerator(String path) {
        this.path = path;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One WebSocket connection of the generator. */
    static final class Conn {
        final SocketChannel channel;
        final InetSocketAddress target;
        final String key;
        Outbox out;
        boolean open;
        boolean closed;
        PerMessageDeflate deflate;
        byte[] leftover = new byte[0];
        int leftoverLength;
        ByteBuffer fragments;
        boolean fragmentsCompressed;
        long[] sentAt;

        Conn(SocketChannel channel, InetSocketAddress target, String key) {
            this.channel = channel;
            this.target = target;
            this.key = key;
        }
    }

    // ---- connections ----

    /** {@link #open(InetSocketAddress, InetAddress, int, int, Duration)} to 127.0.0.1:port from any local address. */
    List<Conn> open(int port, int n, int concurrency, Duration timeout) {
        return open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), null, n, concurrency, timeout);
    }

    /**
     * Opens {@code n} connections to {@code target}, from {@code source} (null: the kernel picks), at most
     * {@code concurrency} handshakes at a time, within {@code timeout}. Returns the connections that completed
     * their handshake. A source address of its own gives a generator its own range of ephemeral ports.
     */
    List<Conn> open(InetSocketAddress target, InetAddress source, int n, int concurrency, Duration timeout) {
        List<Conn> opened = new ArrayList<>(n);
        long deadline = System.nanoTime() + timeout.toNanos();
        int started = 0;
        int failed = 0;
        List<Conn> pending = new ArrayList<>();
        while (opened.size() + failed < n && System.nanoTime() < deadline) {
            while (started < n && pending.size() < concurrency) {
                pending.add(connect(target, source));
                started++;
            }
            poll(10);
            for (int i = pending.size() - 1; i >= 0; i--) {
                Conn c = pending.get(i);
                if (c.open) opened.add(c);
                else if (c.closed) failed++;
                else continue;
                pending.remove(i);
            }
        }
        for (Conn c : pending) close(c);
        return opened;
    }

    private Conn connect(InetSocketAddress target, InetAddress source) {
        try {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true); // as ws does
            if (source != null) ch.bind(new InetSocketAddress(source, 0));
            byte[] nonce = new byte[16];
            for (int i = 0; i < 16; i++) nonce[i] = (byte) nextMask();
            Conn c = new Conn(ch, target, Base64.getEncoder().encodeToString(nonce));
            conns.add(c);
            boolean connected = ch.connect(target);
            c.out = new Outbox(ch, ch.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c));
            if (connected) sendHandshake(c);
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + target + " from " + source + ": " + e, e);
        }
    }

    private void sendHandshake(Conn c) throws IOException {
        // The header order and the extension offer of the ws client that rpc-websockets uses.
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: " + c.key + "\r\n"
                + "Connection: Upgrade\r\n"
                + "Upgrade: websocket\r\n"
                + "Sec-WebSocket-Extensions: " + PerMessageDeflate.OFFER + "\r\n"
                + "Host: " + c.target.getHostString() + ":" + c.target.getPort() + "\r\n\r\n";
        c.out.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Reads the 101 answer; returns false while it is incomplete. Bytes after it stay in {@code buf}. */
    private boolean readHandshake(Conn c, ByteBuffer buf) {
        int end = -1;
        for (int i = buf.position(); i + 3 < buf.limit(); i++) {
            if (buf.get(i) == '\r' && buf.get(i + 1) == '\n' && buf.get(i + 2) == '\r' && buf.get(i + 3) == '\n') {
                end = i + 4;
                break;
            }
        }
        if (end < 0) return false;
        byte[] head = new byte[end - buf.position()];
        buf.get(head);
        String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
        if (!lines[0].startsWith("HTTP/1.1 101")) throw new IllegalStateException("upgrade refused: " + lines[0]);
        String accept = null;
        String extensions = null;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("sec-websocket-accept")) accept = value;
            if (name.equals("sec-websocket-extensions")) extensions = value;
        }
        if (!WsFraming.acceptKey(c.key).equals(accept)) throw new IllegalStateException("bad Sec-WebSocket-Accept: " + accept);
        c.deflate = PerMessageDeflate.negotiate(extensions);
        c.open = true;
        return true;
    }

    /** Whether the server accepted permessage-deflate on the first open connection. */
    boolean deflateAccepted() {
        for (Conn c : conns) if (c.open) return c.deflate != null;
        return false;
    }

    // ---- calls ----

    /** Reads the server's CPU counter (the generator reads its own). */
    interface Probe {
        long serverCpuNanos();
    }

    /**
     * Closed-loop calls of {@code sum [1,2]}: every connection keeps {@code inFlight} calls outstanding. A
     * warm-up, then a measured window of {@code measure}; then outstanding calls drain (up to 5 s). The
     * latency of every call answered in the window goes into a histogram (3 significant digits).
     */
    CallRun calls(List<Conn> on, int inFlight, Duration warmup, Duration measure, Probe probe) {
        this.mode = Mode.CALLS;
        this.inFlight = inFlight;
        this.stopSending = false;
        this.outstanding = 0;
        this.completed = 0;
        this.callErrors = 0;
        this.recording = false;
        this.latencies = new Histogram(3);
        this.idBase += 1_000_000_000L; // replies to an earlier run (none unless its drain timed out) are told apart
        for (Conn c : on) {
            c.sentAt = new long[inFlight];
            for (int lane = 0; lane < inFlight; lane++) sendCall(c, idBase + lane + 1);
        }
        long warmupEnd = System.nanoTime() + warmup.toNanos();
        while (System.nanoTime() < warmupEnd) poll(10);

        long serverStart = probe.serverCpuNanos();
        long selfStart = Proc.cpuNanos(Proc.self());
        long waitStart = Proc.threadWaitNanos();
        long start = System.nanoTime();
        long errorsAtStart = callErrors + closedByServer + protocolErrors;
        completed = 0;
        recording = true;
        long end = start + measure.toNanos();
        while (System.nanoTime() < end) poll(10);
        recording = false;
        long seconds = System.nanoTime() - start;
        long calls = completed;
        long serverCpu = probe.serverCpuNanos() - serverStart;
        long selfCpu = Proc.cpuNanos(Proc.self()) - selfStart;
        long waitEnd = Proc.threadWaitNanos();
        long selfWait = waitStart < 0 || waitEnd < 0 ? -1 : waitEnd - waitStart;
        long errors = callErrors + closedByServer + protocolErrors - errorsAtStart;

        stopSending = true;
        long drainEnd = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (outstanding > 0 && System.nanoTime() < drainEnd) poll(10);
        mode = Mode.IDLE;
        return new CallRun(calls, errors, seconds / 1e9, latencies, serverCpu, selfCpu, selfWait);
    }

    private void sendCall(Conn c, long id) {
        c.sentAt[(int) ((id - idBase - 1) % inFlight)] = System.nanoTime();
        int n = CALL_PREFIX.length;
        System.arraycopy(CALL_PREFIX, 0, scratch, 0, n);
        n = writeDecimal(id, scratch, n);
        scratch[n++] = '}';
        sendText(c, scratch, n);
        outstanding++;
    }

    private void onCallReply(Conn c, ByteBuffer msg) {
        long now = System.nanoTime();
        long id = trailingId(msg);
        if (id <= idBase) {
            if (id <= 0) callErrors++;
            else stale++;
            return;
        }
        outstanding--;
        if (!startsWith(msg, CALL_REPLY_PREFIX)) callErrors++;
        else completed++;
        int lane = (int) ((id - idBase - 1) % inFlight);
        if (recording) latencies.recordValue(now - c.sentAt[lane]);
        if (!stopSending && !c.closed) sendCall(c, id + inFlight);
    }

    /** The id of {@code ...,"id":123}}, or -1. */
    private static long trailingId(ByteBuffer msg) {
        int end = msg.limit() - 1;
        if (end < msg.position() || msg.get(end) != '}') return -1;
        int i = end - 1;
        long id = 0;
        long scale = 1;
        while (i >= msg.position() && msg.get(i) >= '0' && msg.get(i) <= '9') {
            id += (msg.get(i) - '0') * scale;
            scale *= 10;
            i--;
        }
        if (scale == 1) return -1;
        int member = i - ID_MEMBER.length + 1;
        if (member < msg.position()) return -1;
        for (int k = 0; k < ID_MEMBER.length; k++) if (msg.get(member + k) != ID_MEMBER[k]) return -1;
        return id;
    }

    // ---- subscriptions and fan-out ----

    /** Subscribes each connection to {@code name} with {@code rpc.on}; returns how many were refused or unanswered. */
    int subscribe(List<Conn> on, String name, Duration timeout) {
        this.mode = Mode.SUBSCRIBE;
        this.event = name;
        this.subscribeErrors = 0;
        this.pendingReplies = on.size();
        byte[] request = ascii("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"" + name + "\"],\"id\":1}");
        for (Conn c : on) sendText(c, request, request.length);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pendingReplies > 0 && System.nanoTime() < deadline) poll(10);
        mode = Mode.IDLE;
        return subscribeErrors + pendingReplies;
    }

    private void onSubscribeReply(ByteBuffer msg) {
        pendingReplies--;
        String text = StandardCharsets.UTF_8.decode(msg).toString();
        if (!text.contains("\"" + event + "\":\"ok\"")) subscribeErrors++;
    }

    /**
     * Emits {@code event} once through the server's admin API on 127.0.0.1 with {@code {"round":r, ...}} as
     * its argument, and waits until {@code subscribers} connections received it (or the timeout passed).
     */
    FanOutRound fanOutRound(int adminPort, String name, int r, int subscribers, String payloadText, Duration timeout, Probe probe) {
        this.mode = Mode.FANOUT;
        this.event = name;
        this.round = r;
        this.received = 0;
        byte[] body = ascii("{\"event\":\"" + name + "\",\"args\":[{\"round\":" + r + ",\"text\":\"" + payloadText + "\"}]}");
        byte[] request = ascii("POST /admin/emit HTTP/1.1\r\nHost: 127.0.0.1:" + adminPort
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n");
        try (Socket http = new Socket()) {
            http.setTcpNoDelay(true);
            http.setSoTimeout((int) timeout.toMillis());
            http.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), adminPort));
            OutputStream out = http.getOutputStream();
            long serverBefore = probe.serverCpuNanos();
            long selfBefore = Proc.cpuNanos(Proc.self());
            long waitBefore = Proc.threadWaitNanos();
            long start = System.nanoTime();
            out.write(concat(request, body));
            out.flush();
            long deadline = start + timeout.toNanos();
            while (received < subscribers && System.nanoTime() < deadline) poll(10);
            long nanos = received > 0 ? lastReceivedAt - start : -1;
            int status = httpStatus(http.getInputStream());
            long elapsed = System.nanoTime() - start;
            long waitAfter = Proc.threadWaitNanos();
            mode = Mode.IDLE;
            return new FanOutRound(subscribers, received, nanos, status, probe.serverCpuNanos() - serverBefore,
                    Proc.cpuNanos(Proc.self()) - selfBefore, waitBefore < 0 || waitAfter < 0 ? -1 : waitAfter - waitBefore, elapsed);
        } catch (IOException e) {
            throw new UncheckedIOException("admin emit failed", e);
        }
    }

    private void onNotification(ByteBuffer msg) {
        long now = System.nanoTime();
        if (!startsWith(msg, NOTIFICATION_PREFIX)) {
            stale++;
            return;
        }
        int r = intAfter(msg, ROUND_MEMBER);
        if (r == round) {
            received++;
            lastReceivedAt = now;
        } else {
            stale++;
        }
    }

    private static int httpStatus(InputStream in) throws IOException {
        byte[] all = in.readAllBytes(); // Connection: close
        String head = new String(all, 0, Math.min(all.length, 32), StandardCharsets.ISO_8859_1);
        return head.startsWith("HTTP/1.1 ") && head.length() >= 12 ? Integer.parseInt(head.substring(9, 12)) : -1;
    }

    /** Notifications that arrived for no current round, and other unexpected frames. */
    long unexpectedFrames() {
        return stale;
    }

    long protocolErrors() {
        return protocolErrors + closedByServer;
    }

    long pongsSent() {
        return pongsSent;
    }

    /** Compressed messages received (only once a server accepted permessage-deflate). */
    long inflatedMessages() {
        return inflatedMessages;
    }

    // ---- the event loop ----

    /** Waits up to {@code millis} for I/O (or a {@link #wakeup}) and handles it. */
    void poll(long millis) {
        try {
            selector.select(this::handle, millis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the current {@link #poll} early; callable from any thread. */
    void wakeup() {
        selector.wakeup();
    }

    /** Waits for {@code d}, handling I/O (pings, stray frames) meanwhile. */
    void idle(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) poll(Math.max(1, (end - System.nanoTime()) / 1_000_000));
    }

    private void handle(SelectionKey k) {
        Conn c = (Conn) k.attachment();
        try {
            if (k.isConnectable()) {
                if (c.channel.finishConnect()) {
                    k.interestOps(SelectionKey.OP_READ);
                    sendHandshake(c);
                }
                return;
            }
            if (k.isWritable()) c.out.flush();
            if (k.isReadable()) read(c);
        } catch (IOException e) {
            if (c.open) closedByServer++;
            close(c);
        } catch (RuntimeException e) {
            if (protocolErrors++ == 0) System.err.println("load generator: " + e);
            close(c);
        }
    }

    private void read(Conn c) throws IOException {
        ByteBuffer buf = readBuf;
        buf.clear();
        if (c.leftoverLength > 0) {
            buf.put(c.leftover, 0, c.leftoverLength);
            c.leftoverLength = 0;
        }
        int n = c.channel.read(buf);
        if (n < 0) {
            if (c.open) closedByServer++;
            close(c);
            return;
        }
        buf.flip();
        if (!c.open && !readHandshake(c, buf)) {
            keep(c, buf);
            return;
        }
        frames(c, buf);
        keep(c, buf);
    }

    /** Keeps the unparsed tail (a partial frame) for the next read. */
    private static void keep(Conn c, ByteBuffer buf) {
        int n = buf.remaining();
        if (n == 0) return;
        if (n >= buf.capacity()) throw new IllegalStateException("frame too large for the generator");
        if (c.leftover.length < n) c.leftover = new byte[Math.max(n, 2 * c.leftover.length)];
        buf.get(c.leftover, 0, n);
        c.leftoverLength = n;
    }

    private void frames(Conn c, ByteBuffer buf) throws IOException {
        while (buf.remaining() >= 2) {
            int p = buf.position();
            int b0 = buf.get(p) & 0xff;
            int b1 = buf.get(p + 1) & 0xff;
            if ((b1 & 0x80) != 0) throw new IllegalStateException("masked frame from the server");
            long length = b1 & 0x7f;
            int header = 2;
            if (length == 126) {
                if (buf.remaining() < 4) return;
                length = buf.getShort(p + 2) & 0xffff;
                header = 4;
            } else if (length == 127) {
                if (buf.remaining() < 10) return;
                length = buf.getLong(p + 2);
                header = 10;
            }
            if (length > MAX_FRAME) throw new IllegalStateException("frame of " + length + " bytes");
            if (buf.remaining() < header + length) return;
            int start = p + header;
            int end = start + (int) length;
            boolean fin = (b0 & 0x80) != 0;
            boolean rsv1 = (b0 & 0x40) != 0;
            int opcode = b0 & 0x0f;
            ByteBuffer payload = buf.duplicate().limit(end).position(start);
            switch (opcode) {
                case 0x1, 0x2 -> {
                    if (fin) message(c, payload, rsv1);
                    else {
                        c.fragments = ByteBuffer.allocate(Math.max(1024, 2 * (int) length)).put(payload);
                        c.fragmentsCompressed = rsv1;
                    }
                }
                case 0x0 -> {
                    if (c.fragments == null) throw new IllegalStateException("continuation without a first frame");
                    if (c.fragments.remaining() < length) {
                        c.fragments = ByteBuffer.allocate(2 * (c.fragments.position() + (int) length)).put(c.fragments.flip());
                    }
                    c.fragments.put(payload);
                    if (fin) {
                        ByteBuffer whole = c.fragments.flip();
                        c.fragments = null;
                        message(c, whole, c.fragmentsCompressed);
                    }
                }
                case 0x8 -> {
                    closedByServer++;
                    close(c);
                    return;
                }
                case 0x9 -> {
                    byte[] data = new byte[(int) length];
                    payload.get(data);
                    sendFrame(c, 0xA, data, data.length, false);
                    pongsSent++;
                }
                case 0xA -> { }
                default -> throw new IllegalStateException("opcode " + opcode);
            }
            buf.position(end);
        }
    }

    private void message(Conn c, ByteBuffer payload, boolean compressed) {
        if (compressed) {
            if (c.deflate == null) throw new IllegalStateException("compressed frame without permessage-deflate");
            inflated = c.deflate.inflate(payload, inflated);
            payload = inflated;
            inflatedMessages++;
        }
        switch (mode) {
            case CALLS -> onCallReply(c, payload);
            case SUBSCRIBE -> onSubscribeReply(payload);
            case FANOUT -> onNotification(payload);
            case IDLE -> stale++;
        }
    }

    // ---- frames out ----

    private void sendText(Conn c, byte[] data, int length) {
        if (c.deflate != null && length >= PerMessageDeflate.THRESHOLD) {
            ByteBuffer compressed = c.deflate.deflate(ByteBuffer.wrap(data, 0, length));
            byte[] bytes = new byte[compressed.remaining()];
            compressed.get(bytes);
            sendFrame(c, 0x1, bytes, bytes.length, true);
        } else {
            sendFrame(c, 0x1, data, length, false);
        }
    }

    /** One masked client frame. */
    private void sendFrame(Conn c, int opcode, byte[] data, int length, boolean rsv1) {
        if (c.closed) return;
        ByteBuffer out = writeBuf;
        out.clear();
        out.put((byte) (0x80 | (rsv1 ? 0x40 : 0) | opcode));
        if (length < 126) {
            out.put((byte) (0x80 | length));
        } else if (length < 65536) {
            out.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            out.put((byte) (0x80 | 127)).putLong(length);
        }
        int mask = (int) nextMask();
        out.putInt(mask);
        byte[] m = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
        for (int i = 0; i < length; i++) out.put((byte) (data[i] ^ m[i & 3]));
        out.flip();
        try {
            c.out.write(out);
        } catch (IOException e) {
            if (c.open) closedByServer++;
            close(c);
        }
    }

    private void close(Conn c) {
        if (c.closed) return;
        c.closed = true;
        c.open = false;
        try {
            c.channel.setOption(StandardSocketOptions.SO_LINGER, 0); // no TIME_WAIT: 10,000 ports come back at once
            c.channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Closes one connection (a reset: no TIME_WAIT left behind). */
    void closeConnection(Conn c) {
        close(c);
    }

    /** Closes every connection at once. */
    @Override public void close() {
        for (Conn c : conns) close(c);
        conns.clear();
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    // ---- helpers ----

    private long nextMask() {
        long x = maskSeed; // xorshift: masks need not be cryptographic for a benchmark on loopback
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        maskSeed = x;
        return x;
    }

    private static int writeDecimal(long v, byte[] out, int at) {
        int start = at;
        do {
            out[at++] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v > 0);
        for (int i = start, j = at - 1; i < j; i++, j--) {
            byte t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return at;
    }

    private static boolean startsWith(ByteBuffer msg, byte[] prefix) {
        if (msg.remaining() < prefix.length) return false;
        int p = msg.position();
        for (int i = 0; i < prefix.length; i++) if (msg.get(p + i) != prefix[i]) return false;
        return true;
    }

    /** The non-negative integer after the first {@code member} in {@code msg}, or -1. */
    private static int intAfter(ByteBuffer msg, byte[] member) {
        outer:
        for (int i = msg.position(); i + member.length < msg.limit(); i++) {
            for (int k = 0; k < member.length; k++) if (msg.get(i + k) != member[k]) continue outer;
            int v = 0;
            int j = i + member.length;
            if (j >= msg.limit() || msg.get(j) < '0' || msg.get(j) > '9') return -1;
            while (j < msg.limit() && msg.get(j) >= '0' && msg.get(j) <= '9') v = v * 10 + (msg.get(j++) - '0');
            return v;
        }
        return -1;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
