package dev.rpcws.testkit;

import dev.rpcws.protocol.Wire;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket peer that sends and records raw frames, for wire-level tests no SDK would produce: it
 * never answers for the protocol, only records. It can stop reading (as a stalled client does), and it
 * answers pings only while it reads.
 */
public final class RawClient implements AutoCloseable {
    private static final WebSocketClient CLIENT = startClient(null);

    private final Endpoint endpoint;
    private final Session session;
    private WebSocketClient ownClient;

    private RawClient(Session session, Endpoint endpoint) {
        this.session = session;
        this.endpoint = endpoint;
    }

    /** A received frame: text, or binary ({@code binary} true, payload decoded as UTF-8). */
    public record Frame(String text, boolean binary) {}

    public static RawClient connect(URI uri) {
        return connect(uri, List.of(), Map.of());
    }

    public static RawClient connect(URI uri, List<String> subprotocols, Map<String, String> headers) {
        return connect(CLIENT, uri, subprotocols, headers, false);
    }

    /**
     * A connection that offers permessage-deflate, as browsers and the npm client do: where the server accepts,
     * Jetty's client compresses every message it sends and inflates what it receives.
     */
    public static RawClient connectCompressed(URI uri) {
        return connect(CLIENT, uri, List.of(), Map.of(), true);
    }

    /** A {@code wss://} connection trusting the CA of {@code trustStore} (PKCS12). The client is stopped on close. */
    public static RawClient connectTls(URI uri, Path trustStore, String password, Map<String, String> headers) {
        SslContextFactory.Client ssl = new SslContextFactory.Client();
        ssl.setTrustStorePath(trustStore.toString());
        ssl.setTrustStorePassword(password);
        ssl.setTrustStoreType("PKCS12");
        WebSocketClient own = startClient(ssl);
        RawClient c = connect(own, uri, List.of(), headers, false);
        c.ownClient = own;
        return c;
    }

    private static RawClient connect(WebSocketClient client, URI uri, List<String> subprotocols, Map<String, String> headers,
                                     boolean compressed) {
        ClientUpgradeRequest request = new ClientUpgradeRequest(uri);
        if (!subprotocols.isEmpty()) request.setSubProtocols(subprotocols);
        if (compressed) request.addExtensions("permessage-deflate");
        headers.forEach(request::setHeader);
        Endpoint endpoint = new Endpoint();
        try {
            return new RawClient(client.connect(endpoint, request).get(10, TimeUnit.SECONDS), endpoint);
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to " + uri + ": " + e, e);
        }
    }

    public void send(String text) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        session.sendText(text, Callback.from(() -> sent.complete(null), sent::completeExceptionally));
        sent.join();
    }

    /** Sends one text message as {@code fragments} frames of about equal length (a first frame and continuations). */
    public void sendInFragments(String text, int fragments) {
        int step = Math.max(1, (text.length() + fragments - 1) / fragments);
        for (int from = 0; from < text.length(); from += step) {
            int to = Math.min(text.length(), from + step);
            CompletableFuture<Void> sent = new CompletableFuture<>();
            session.sendPartialText(text.substring(from, to), to == text.length(), Callback.from(() -> sent.complete(null), sent::completeExceptionally));
            sent.join();
        }
    }

    /** The extensions the server accepted in the handshake, e.g. {@code permessage-deflate}. */
    public List<String> extensions() {
        return session.getUpgradeResponse().getExtensions().stream().map(e -> e.getName()).toList();
    }

    public void sendBinary(String utf8Json) {
        sendBinary(utf8Json.getBytes(StandardCharsets.UTF_8));
    }

    public void sendBinary(byte[] payload) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        session.sendBinary(ByteBuffer.wrap(payload), Callback.from(() -> sent.complete(null), sent::completeExceptionally));
        sent.join();
    }

    public void ping(String payload) {
        session.sendPing(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)), Callback.NOOP);
    }

    /** The next frame, or {@code null} if none arrives within {@code timeout}. */
    public Frame next(Duration timeout) {
        try {
            return endpoint.frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The next frame's text; fails if none arrives within 5 s. */
    public String nextText() {
        Frame f = next(Duration.ofSeconds(5));
        if (f == null) throw new AssertionError("no frame within 5 s");
        return f.text();
    }

    /** Stops reading: frames (and pings) stay in the socket buffers, so pings go unanswered. */
    public void pauseReading() {
        endpoint.paused.set(true);
    }

    public void resumeReading() {
        if (endpoint.paused.compareAndSet(true, false)) session.demand();
    }

    public int pongs() {
        return endpoint.pongs.get();
    }

    /** The close code the server sent (or 1006 for an abnormal close), once closed; -1 while open. */
    public int closeCode() {
        return endpoint.closeCode.get();
    }

    public String closeReason() {
        return endpoint.closeReason;
    }

    /** {@link System#nanoTime()} when the close arrived (or the connection failed); 0 while open. */
    public long closedAtNanos() {
        return endpoint.closedAtNanos;
    }

    public boolean isOpen() {
        return session.isOpen() && endpoint.closeCode.get() == -1;
    }

    public String acceptedSubprotocol() {
        return session.getUpgradeResponse().getAcceptedSubProtocol();
    }

    public List<String> responseHeader(String name) {
        List<String> v = session.getUpgradeResponse().getHeaders(name);
        return v == null ? List.of() : v;
    }

    @Override public void close() {
        close(Wire.CLOSE_NORMAL, "bye");
    }

    /** Closes with this code and reason, waits for the close handshake, and stops a client of its own. */
    public void close(int code, String reason) {
        if (session.isOpen()) {
            session.close(code, reason, Callback.NOOP);
            try { // an event, not a poll: peers that open and close many connections (the fuzzer) wait one round trip
                endpoint.closed.get(2, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                if (session.isOpen()) throw new AssertionError("timed out after 2000 ms waiting for the close handshake");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
        if (ownClient != null) {
            try {
                ownClient.stop();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static WebSocketClient startClient(SslContextFactory.Client ssl) {
        HttpClient http = new HttpClient();
        if (ssl != null) http.setSslContextFactory(ssl);
        WebSocketClient c = new WebSocketClient(http);
        c.setMaxTextMessageSize(64L * 1024 * 1024);
        c.setMaxBinaryMessageSize(64L * 1024 * 1024);
        c.setIdleTimeout(Duration.ZERO);
        try {
            c.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return c;
    }

    /** Public: Jetty calls listener methods through method handles. */
    public static final class Endpoint implements Session.Listener {
        final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        final AtomicBoolean paused = new AtomicBoolean();
        final AtomicInteger pongs = new AtomicInteger();
        final AtomicInteger closeCode = new AtomicInteger(-1);
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        volatile String closeReason;
        volatile long closedAtNanos;
        private volatile Session session;

        @Override public void onWebSocketOpen(Session s) {
            session = s;
            s.demand();
        }

        @Override public void onWebSocketText(String text) {
            frames.add(new Frame(text, false));
            more();
        }

        @Override public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            frames.add(new Frame(StandardCharsets.UTF_8.decode(payload).toString(), true));
            callback.succeed();
            more();
        }

        @Override public void onWebSocketPing(ByteBuffer payload) {
            session.sendPong(payload, Callback.NOOP);
            more();
        }

        @Override public void onWebSocketPong(ByteBuffer payload) {
            pongs.incrementAndGet();
            more();
        }

        @Override public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            closeReason = reason;
            if (closeCode.compareAndSet(-1, statusCode)) closedAtNanos = System.nanoTime();
            callback.succeed();
            closed.complete(null);
        }

        @Override public void onWebSocketError(Throwable cause) {
            if (closeCode.compareAndSet(-1, Wire.CLOSE_ABNORMAL)) closedAtNanos = System.nanoTime();
            closed.complete(null);
        }

        private void more() {
            if (!paused.get()) session.demand();
        }
    }
}
