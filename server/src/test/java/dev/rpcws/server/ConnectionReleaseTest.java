package dev.rpcws.server;

import dev.rpcws.server.connection.RpcConnection;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.WebSocketFrames;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A closed connection is released at once, however it closed: nothing it scheduled (pings, pong checks, the
 * abort timer of an eviction) keeps it reachable. Live connections are counted in a class histogram, which
 * collects garbage first.
 */
class ConnectionReleaseTest {
    private static final int TEXT = 0x1;
    private static final int CLOSE = 0x8;
    private static final byte[] CLOSE_NORMAL = {0x03, (byte) 0xe8};
    private static final String SUBSCRIBE = "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"newsUpdate\"],\"id\":1}";
    private static final String BAD_LOGIN = "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.login\",\"params\":{\"username\":\"x\",\"password\":\"y\"},\"id\":2}";
    private static final int CYCLES = 10_000;
    /** The loop stops here even if the machine is too slow for every cycle. */
    private static final Duration LOOP_BOUND = Duration.ofSeconds(120);
    /** Under the one-second close grace of an eviction: "at once" means before any timer of a closed connection would run. */
    private static final Duration RELEASED_WITHIN = Duration.ofMillis(600);

    @Test
    void tenThousandConnectionsClosedEveryWayAreAllReleasedAtOnce() throws Exception {
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.maxFailedLogins(1))) { // heartbeats at their defaults
            long baseline = liveConnections();
            long deadline = System.nanoTime() + LOOP_BOUND.toNanos();
            int cycles = 0;
            while (cycles < CYCLES && System.nanoTime() - deadline < 0) {
                connectSubscribeAndClose(jetty.port(), cycles++ % 4);
            }
            assertThat(cycles).as("cycles run within " + LOOP_BOUND).isGreaterThanOrEqualTo(CYCLES / 10);
            Poll.until("the server to see every close", Duration.ofSeconds(30), () -> jetty.server().metrics().openConnections() == 0);
            assertReleased(baseline);
        }
    }

    @Test
    void pingedConnectionsAreReleasedAtOnceThoughPongChecksWereStillPending() throws Exception {
        // Pongs are never sent (the raw peer does not answer pings) and the timeout is far longer than the
        // interval: every connection has many pong checks pending when it closes.
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.pingInterval(Duration.ofMillis(20)).pongTimeout(Duration.ofSeconds(30)))) {
            long baseline = liveConnections();
            List<RawTcp> peers = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                RawTcp peer = new RawTcp(jetty.port(), "/");
                peer.sendFrame(TEXT, SUBSCRIBE.getBytes(StandardCharsets.UTF_8));
                assertThat(nextText(peer)).contains("\"ok\"");
                peers.add(peer);
            }
            Poll.until("several pings per connection", Duration.ofSeconds(10), () -> jetty.admin().metric("rpcws_pings_sent_total") >= 30 * 5);
            for (int i = 0; i < peers.size(); i++) close(peers.get(i), i % 3);
            Poll.until("the server to see every close", Duration.ofSeconds(30), () -> jetty.server().metrics().openConnections() == 0);
            assertReleased(baseline);
        }
    }

    /** One connection: subscribe, then 0: a clean close; 1: a TCP reset; 2: a FIN without a close frame; 3: evicted by the server. */
    private static void connectSubscribeAndClose(int port, int how) throws IOException {
        RawTcp peer = new RawTcp(port, "/");
        peer.sendFrame(TEXT, SUBSCRIBE.getBytes(StandardCharsets.UTF_8));
        assertThat(peer.nextFrame().text()).contains("\"ok\"");
        if (how < 3) {
            close(peer, how);
            return;
        }
        try (peer) {
            peer.sendFrame(TEXT, BAD_LOGIN.getBytes(StandardCharsets.UTF_8)); // one failed login is one too many here
            assertThat(peer.awaitCloseCode()).isEqualTo(1008);
            peer.sendFrame(CLOSE, CLOSE_NORMAL); // the close handshake completes
            assertThat(peer.nextFrame()).as("the server closes the socket").isNull();
        }
    }

    private static void close(RawTcp peer, int how) throws IOException {
        switch (how) {
            case 0 -> {
                peer.sendFrame(CLOSE, CLOSE_NORMAL);
                assertThat(peer.awaitCloseCode()).isEqualTo(1000);
                peer.close();
            }
            case 1 -> peer.reset();
            default -> peer.close();
        }
    }

    /** The next text frame, past the server's pings. */
    private static String nextText(RawTcp peer) throws IOException {
        WebSocketFrames.Frame f;
        do {
            f = peer.nextFrame();
        } while (f != null && f.opcode() != TEXT);
        return f == null ? null : f.text();
    }

    private static void assertReleased(long baseline) {
        try {
            Poll.until("every closed connection to be collected (baseline " + baseline + ")", RELEASED_WITHIN, () -> liveConnections() <= baseline);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; still live: " + liveConnections(), e);
        }
    }

    /** Live {@link RpcConnection} objects: the JVM's class histogram, taken after a full collection. */
    private static long liveConnections() {
        String histogram;
        try {
            histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (Exception e) {
            throw new IllegalStateException("no class histogram in this JVM", e);
        }
        String name = RpcConnection.class.getName();
        return histogram.lines().map(String::trim).map(l -> l.split("\\s+"))
                .filter(f -> f.length >= 4 && f[3].equals(name))
                .mapToLong(f -> Long.parseLong(f[1]))
                .sum();
    }
}
