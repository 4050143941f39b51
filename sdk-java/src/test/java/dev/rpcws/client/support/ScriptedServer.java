package dev.rpcws.client.support;

import dev.rpcws.testkit.Poll;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket server that speaks no protocol: it records what each connection sent (handshake and frames)
 * and sends whatever a test tells it to, for wire-level client tests no real server would produce.
 */
public final class ScriptedServer implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final Server jetty = new Server();
    private final ServerConnector connector = new ServerConnector(jetty);
    private final List<Peer> peers = new CopyOnWriteArrayList<>();

    public ScriptedServer() {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ContextHandler context = new ContextHandler("/");
        context.setHandler(WebSocketUpgradeHandler.from(jetty, context, container -> {
            container.setIdleTimeout(Duration.ZERO);
            container.addMapping("/*", (request, response, callback) -> {
                List<String> offered = request.getSubProtocols();
                if (!offered.isEmpty()) response.setAcceptedSubProtocol(offered.get(0));
                Peer peer = new Peer(request.getHttpURI().getPathQuery(), request.getHeaders().get("Authorization"), offered);
                peers.add(peer);
                return peer;
            });
        }));
        jetty.setHandler(context);
        try {
            jetty.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public URI uri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + connector.getLocalPort() + pathAndQuery);
    }

    /** The {@code n}-th connection (from 1), once it is open. */
    public Peer peer(int n) {
        return Poll.value("connection #" + n, WAIT, () -> peers.size() >= n && peers.get(n - 1).session != null ? peers.get(n - 1) : null);
    }

    public int connections() {
        return peers.size();
    }

    @Override public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One connection as the server sees it. Public: Jetty calls it through method handles. */
    public static final class Peer implements Session.Listener.AutoDemanding {
        public final String pathQuery;
        public final String authorization;
        public final List<String> offeredSubprotocols;
        private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        private final AtomicInteger pongs = new AtomicInteger();
        private final AtomicInteger closeCode = new AtomicInteger(-1);
        private final CountDownLatch closeHeld = new CountDownLatch(1);
        private volatile boolean holdClose;
        private volatile Callback heldClose;
        private volatile Session session;

        Peer(String pathQuery, String authorization, List<String> offeredSubprotocols) {
            this.pathQuery = pathQuery;
            this.authorization = authorization;
            this.offeredSubprotocols = List.copyOf(offeredSubprotocols);
        }

        /** The next frame the client sent; fails after 5 s. */
        public String next() {
            try {
                String f = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                if (f == null) throw new AssertionError("the client sent nothing within " + WAIT.toMillis() + " ms");
                return f;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        public void send(String text) {
            session.sendText(text, Callback.NOOP);
        }

        public void sendBinary(String text) {
            sendBinary(text.getBytes(StandardCharsets.UTF_8));
        }

        public void sendBinary(byte[] bytes) {
            session.sendBinary(ByteBuffer.wrap(bytes), Callback.NOOP);
        }

        public void ping(String payload) {
            session.sendPing(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)), Callback.NOOP);
        }

        public void close(int code, String reason) {
            session.close(code, reason, Callback.NOOP);
        }

        /** From now on, the client's close frame is not answered until {@link #answerClose()}. */
        public void holdClose() {
            holdClose = true;
        }

        /** Waits for the client's close frame (held by {@link #holdClose()}), then answers it. */
        public void answerClose() {
            try {
                if (!closeHeld.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError("the client sent no close frame");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            heldClose.succeed();
        }

        public int pongs() {
            return pongs.get();
        }

        /** The close code the client sent, -1 while open. */
        public int closeCode() {
            return closeCode.get();
        }

        @Override public void onWebSocketOpen(Session s) {
            session = s;
        }

        @Override public void onWebSocketText(String text) {
            frames.add(text);
        }

        @Override public void onWebSocketPong(ByteBuffer payload) {
            pongs.incrementAndGet();
        }

        @Override public void onWebSocketClose(int code, String reason, Callback callback) {
            closeCode.compareAndSet(-1, code);
            if (holdClose) {
                heldClose = callback;
                closeHeld.countDown();
            } else {
                callback.succeed();
            }
        }

        @Override public void onWebSocketError(Throwable cause) {
            closeCode.compareAndSet(-1, 1006);
        }
    }
}
