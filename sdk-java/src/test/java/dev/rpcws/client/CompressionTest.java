package dev.rpcws.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rpcws.client.support.RawFrameServer;
import dev.rpcws.client.support.Recorder;
import dev.rpcws.protocol.Json;
import dev.rpcws.server.InProcessJetty;
import dev.rpcws.testkit.Allocations;
import dev.rpcws.testkit.PerMessageDeflate;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.WebSocketFrames;
import dev.rpcws.testkit.WebSocketFrames.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static dev.rpcws.testkit.WebSocketFrames.CONTINUATION;
import static dev.rpcws.testkit.WebSocketFrames.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * permessage-deflate (RFC 7692): the client offers it unless told not to; against the Jetty server with
 * compression on, calls and events of any size go compressed, and against a server that declines it they go
 * plain; compressed messages in fragments are read and written; and {@code maxMessageBytes} holds for the
 * inflated size, so a decompression bomb from a server closes the connection with 1009 without being inflated
 * whole, and the client connects again afterwards.
 */
@Timeout(60)
class CompressionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String OPENED = "rpcws_connections_opened_total";
    private static final String COMPRESSED = "rpcws_connections_compressed_total";

    /**
     * Against the Jetty server with compression on and as it starts by default (declining it), with the client's
     * default options: calls and events work, compressed exactly when the server accepted.
     */
    @ParameterizedTest(name = "server accepts compression: {0}")
    @ValueSource(booleans = {true, false})
    void callsAndEventsWorkWhetherTheServerAcceptsCompressionOrDeclinesIt(boolean serverAccepts) throws Exception {
        try (InProcessJetty server = InProcessJetty.start(o -> o.perMessageDeflate(serverAccepts));
             RpcClient client = RpcClient.builder(server.wsUri("/")).build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            List<Object> news = new CopyOnWriteArrayList<>();
            client.subscribe("newsUpdate", e -> news.add(e.arg(0, String.class))).get(5, TimeUnit.SECONDS);
            server.admin().emit("newsUpdate", TextNode.valueOf("news"));
            assertThat(client.call("sum", List.of(5, 3)).get(5, TimeUnit.SECONDS).asInt()).isEqualTo(8);
            Poll.until("the event", WAIT, () -> news.equals(List.of("news")));
            assertThat(server.admin().metric(OPENED)).isEqualTo(1);
            assertThat(server.admin().metric(COMPRESSED)).as("connections that negotiated permessage-deflate").isEqualTo(serverAccepts ? 1 : 0);
        }
    }

    /** What the handshake offers, read on the raw socket. */
    @Test
    void theHandshakeOffersPerMessageDeflateByDefaultAndNothingWhenTurnedOff() throws Exception {
        assertThat(offeredExtensions(b -> b)).isEqualTo("permessage-deflate");
        assertThat(offeredExtensions(b -> b.perMessageDeflate(false))).isEmpty();
    }

    @Test
    void perMessageDeflateOffOffersNoCompression() throws Exception {
        try (InProcessJetty server = InProcessJetty.start(o -> o.perMessageDeflate(true));
             RpcClient client = RpcClient.builder(server.wsUri("/")).perMessageDeflate(false).build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            assertThat(client.call("sum", List.of(5, 3)).get(5, TimeUnit.SECONDS).asInt()).isEqualTo(8);
            assertThat(server.admin().metric(OPENED)).isEqualTo(1);
            assertThat(server.admin().metric(COMPRESSED)).as("connections that negotiated permessage-deflate").isZero();
        }
    }

    /** On the wire: offered and declined, the client's frames go without RSV1 and it reads plain replies. */
    @Test
    void aServerThatDeclinesCompressionGetsPlainFrames() throws Exception {
        try (RawFrameServer server = new RawFrameServer(false);
             RpcClient client = RpcClient.builder(server.uri()).pingInterval(Duration.ZERO).build()) {
            CompletableFuture<Void> connected = client.connect();
            try (RawFrameServer.Connection peer = server.accept()) {
                connected.get(5, TimeUnit.SECONDS);
                assertThat(peer.offeredExtensions).isEqualTo("permessage-deflate");
                assertThat(peer.compressed()).isFalse();
                CompletableFuture<JsonNode> call = client.call("sum", List.of(5, 3));

                List<Frame> frames = peer.nextMessageFrames();
                assertThat(frames).hasSize(1);
                assertThat(frames.get(0).compressed()).as("RSV1").isFalse();
                assertThat(frames.get(0).text()).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[5,3],\"id\":1}");
                peer.send(true, false, TEXT, "{\"jsonrpc\":\"2.0\",\"result\":8,\"id\":1}".getBytes(StandardCharsets.UTF_8));
                assertThat(call.get(5, TimeUnit.SECONDS).asInt()).isEqualTo(8);
            }
        }
    }

    /**
     * A mebibyte of text that compresses poorly, so Jetty writes it in about a hundred compressed frames each
     * way (its deflate buffer is 8 KiB), and inflates it in chunks on the other side.
     */
    @Test
    void aMebibyteGoesBothWaysCompressed() throws Exception {
        String payload = poorlyCompressible(1 << 20);
        try (InProcessJetty server = InProcessJetty.start(o -> o.perMessageDeflate(true));
             RpcClient client = RpcClient.builder(server.wsUri("/")).build()) {
            client.connect().get(5, TimeUnit.SECONDS);
            JsonNode echoed = client.call("echo", List.of(payload)).get(30, TimeUnit.SECONDS);
            assertThat(echoed.isArray() && echoed.size() == 1 && echoed.get(0).asText().equals(payload))
                    .as("the mebibyte came back unchanged").isTrue();
            assertThat(server.admin().metric(COMPRESSED)).as("connections that negotiated permessage-deflate").isEqualTo(1);
        }
    }

    /**
     * On the wire, frame by frame: the client's 1 MiB call arrives as one compressed message in several frames
     * (RSV1 on the first only); a compressed reply the server splits in three frames is read whole.
     */
    @Test
    void compressedMessagesInFragmentsGoBothWays() throws Exception {
        String payload = poorlyCompressible(1 << 20);
        try (RawFrameServer server = new RawFrameServer();
             RpcClient client = RpcClient.builder(server.uri()).pingInterval(Duration.ZERO).build()) {
            CompletableFuture<Void> connected = client.connect();
            try (RawFrameServer.Connection peer = server.accept()) {
                connected.get(5, TimeUnit.SECONDS);
                assertThat(peer.offeredExtensions).contains("permessage-deflate");
                CompletableFuture<JsonNode> call = client.call("echo", List.of(payload));

                List<Frame> frames = peer.nextMessageFrames();
                assertThat(frames.size()).as("frames of the call").isGreaterThan(1);
                assertThat(frames.get(0).opcode()).isEqualTo(TEXT);
                assertThat(frames.get(0).compressed()).as("RSV1 on the first frame").isTrue();
                assertThat(frames.subList(1, frames.size())).allMatch(f -> f.opcode() == CONTINUATION && !f.compressed());
                String request = new String(PerMessageDeflate.inflate(WebSocketFrames.join(frames)), StandardCharsets.UTF_8);
                assertThat(request.equals("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"" + payload + "\"],\"id\":1}"))
                        .as("the inflated call (%d characters) is the request", request.length()).isTrue();

                byte[] reply = PerMessageDeflate.compress("{\"jsonrpc\":\"2.0\",\"result\":[\"fragmented ✓\"],\"id\":1}".getBytes(StandardCharsets.UTF_8));
                int third = reply.length / 3;
                peer.send(false, true, TEXT, Arrays.copyOfRange(reply, 0, third));
                peer.send(false, false, CONTINUATION, Arrays.copyOfRange(reply, third, 2 * third));
                peer.send(true, false, CONTINUATION, Arrays.copyOfRange(reply, 2 * third, reply.length));
                assertThat(call.get(5, TimeUnit.SECONDS)).isEqualTo(Json.parse("[\"fragmented ✓\"]"));
            }
        }
    }

    /** {@code maxMessageBytes} counts the inflated bytes: a compressed message of exactly the limit is read, one byte more closes with 1009. */
    @Test
    void theMessageSizeLimitHoldsForTheInflatedSize() throws Exception {
        int limit = 100_000; // not Jetty's own default (64 KiB), so this is the SDK's limit at work
        Recorder events = new Recorder();
        try (RawFrameServer server = new RawFrameServer();
             RpcClient client = RpcClient.builder(server.uri()).maxMessageBytes(limit).reconnect(false)
                     .pingInterval(Duration.ZERO).listener(events).build()) {
            CompletableFuture<Void> connected = client.connect();
            try (RawFrameServer.Connection peer = server.accept()) {
                connected.get(5, TimeUnit.SECONDS);
                assertThat(peer.compressed()).isTrue();
                CompletableFuture<JsonNode> atTheLimit = client.call("a");
                CompletableFuture<JsonNode> overTheLimit = client.call("b");
                peer.send(true, true, TEXT, PerMessageDeflate.compress(replyOfSize(1, limit)));
                assertThat(atTheLimit.get(5, TimeUnit.SECONDS).asText()).hasSize(limit - replyOfSize(1, 0).length);

                peer.sendWhileReading(true, true, TEXT, PerMessageDeflate.compress(replyOfSize(2, limit + 1)));
                assertThat(peer.awaitCloseCode()).isEqualTo(1009);
                assertThat(events.await("close", WAIT).line()).as("the close reported to the application").isEqualTo("close 1009");
                assertThat(overTheLimit).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                        .withCauseInstanceOf(RpcClientException.class)
                        .satisfies(e -> assertThat(((RpcClientException) e.getCause()).kind()).isEqualTo(RpcClientException.Kind.CONNECTION_LOST));
            }
        }
    }

    /**
     * One frame of about 1 MiB that inflates to 1 GiB, against a limit of 1 MiB, as text and as binary. "Not
     * inflated whole" is measured as the bytes this JVM's threads allocate while the client handles the bomb:
     * inflating it whole would allocate at least the 1 GiB. Then the same client connects again and is answered.
     */
    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {WebSocketFrames.TEXT, WebSocketFrames.BINARY})
    void aDecompressionBombClosesWith1009WithoutBeingInflatedWhole(int opcode) throws Exception {
        long inflated = 1L << 30;
        byte[] bomb = Bomb.ONE_GIBIBYTE_OF_A;
        Recorder events = new Recorder();
        try (RawFrameServer server = new RawFrameServer();
             RpcClient client = RpcClient.builder(server.uri()).maxMessageBytes(1 << 20).reconnect(false)
                     .pingInterval(Duration.ZERO).listener(events).build()) {
            CompletableFuture<Void> connected = client.connect();
            try (RawFrameServer.Connection peer = server.accept()) {
                connected.get(5, TimeUnit.SECONDS);
                assertThat(peer.compressed()).isTrue();
                long allocatedBefore = Allocations.byAllThreads();
                long start = System.nanoTime();
                peer.sendWhileReading(true, true, opcode, bomb);
                int code = peer.awaitCloseCode();
                String reported = events.await("close", WAIT).line();
                long millis = (System.nanoTime() - start) / 1_000_000;
                long allocated = Allocations.byAllThreads() - allocatedBefore;
                System.out.printf("client bomb (opcode %d): %d bytes inflating to %d; closed with %d after %d ms; %d MiB allocated meanwhile%n",
                        opcode, bomb.length, inflated, code, millis, allocated >> 20);

                assertThat(code).isEqualTo(1009);
                assertThat(reported).as("the close reported to the application").isEqualTo("close 1009");
                assertThat(allocated).as("bytes allocated while the client handled the bomb").isLessThan(inflated / 16);
            }
            CompletableFuture<Void> again = client.connect();
            try (RawFrameServer.Connection peer = server.accept()) {
                again.get(5, TimeUnit.SECONDS);
                CompletableFuture<JsonNode> call = client.call("sum", List.of(1, 2));
                JsonNode request = Json.parse(new String(PerMessageDeflate.inflate(WebSocketFrames.join(peer.nextMessageFrames())), StandardCharsets.UTF_8));
                peer.send(true, true, TEXT, PerMessageDeflate.compress(
                        ("{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":" + request.get("id") + "}").getBytes(StandardCharsets.UTF_8)));
                assertThat(call.get(5, TimeUnit.SECONDS).asInt()).as("a call on the next connection").isEqualTo(3);
            }
        }
    }

    /** Built once: compressing a gibibyte takes a few seconds. */
    private static final class Bomb {
        static final byte[] ONE_GIBIBYTE_OF_A = PerMessageDeflate.compressedRun('a', 1L << 30);
    }

    /** The {@code Sec-WebSocket-Extensions} a client built with these options offers (empty: none). */
    private static String offeredExtensions(UnaryOperator<RpcClient.Builder> options) throws Exception {
        try (RawFrameServer server = new RawFrameServer();
             RpcClient client = options.apply(RpcClient.builder(server.uri()).pingInterval(Duration.ZERO)).build()) {
            CompletableFuture<Void> connected = client.connect();
            try (RawFrameServer.Connection peer = server.accept()) {
                connected.get(5, TimeUnit.SECONDS);
                return peer.offeredExtensions;
            }
        }
    }

    /** Random letters and digits: about 6 bits of information per byte, so deflate saves only a quarter. */
    private static String poorlyCompressible(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        Random random = new Random(13);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return s.toString();
    }

    /** A reply to call {@code id} whose UTF-8 is exactly {@code size} bytes (its result a string of x). */
    private static byte[] replyOfSize(int id, int size) {
        String prefix = "{\"jsonrpc\":\"2.0\",\"result\":\"";
        String suffix = "\",\"id\":" + id + "}";
        return (prefix + "x".repeat(Math.max(0, size - prefix.length() - suffix.length())) + suffix).getBytes(StandardCharsets.UTF_8);
    }
}
