package dev.rpcws.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.Json;
import dev.rpcws.server.events.Notification;
import dev.rpcws.testkit.WebSocketFrames;
import dev.rpcws.testkit.WebSocketFrames.Frame;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events written to the socket directly (decision 0016) share it with Jetty's own writes: replies, pongs, the
 * server's pings. Whatever the interleaving, every frame arrives whole, events and pongs in their order.
 */
class DirectWritesTest {
    private static final int PING = 0x9, PONG = 0xA;

    @Test
    void eventsRepliesAndControlFramesSharingAFullSocketArriveWholeAndInOrder() throws Exception {
        int events = 600, calls = 300;
        String filler = "y".repeat(16 * 1024); // ~10 MB of events: more than loopback buffers take, so writes end partial
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.maxQueuedBytes(256L << 20)
                .pingInterval(Duration.ofMillis(20)).pongTimeout(Duration.ofMinutes(1)));
             RawTcp client = new RawTcp(jetty.port(), "/")) {
            client.sendFrame(WebSocketFrames.TEXT, bytes("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"newsUpdate\"],\"id\":\"on\"}"));
            assertThat(client.nextMessage().text()).contains("\"ok\"");

            // Calls and pings go in while the events flood out and nobody reads: replies and pongs (Jetty's writes)
            // meet events (direct writes, and their rests through Jetty's write flusher) on one socket.
            CompletableFuture<Void> caller = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < calls; i++) {
                        // ids from 1: like rpc-websockets, the server does not answer id 0
                        client.sendFrame(WebSocketFrames.TEXT, bytes("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[" + i + ",1],\"id\":" + (i + 1) + "}"));
                        client.sendFrame(PING, bytes("p" + i));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            for (int i = 0; i < events; i++) jetty.server().emit("newsUpdate", i + " " + filler);

            List<Integer> eventsSeen = new ArrayList<>(), repliesSeen = new ArrayList<>(), pongsSeen = new ArrayList<>();
            while (eventsSeen.size() < events || repliesSeen.size() < calls || pongsSeen.size() < calls) {
                Frame f = client.nextFrame();
                assertThat(f).as("a frame (events %d, replies %d, pongs %d)", eventsSeen.size(), repliesSeen.size(), pongsSeen.size()).isNotNull();
                assertThat(f.fin()).as("whole frames only").isTrue();
                switch (f.opcode()) {
                    case WebSocketFrames.TEXT -> {
                        JsonNode m = Json.parse(f.text());
                        if (m.has("notification")) {
                            String[] p = m.get("params").get(0).asText().split(" ", 2);
                            assertThat(p[1]).isEqualTo(filler);
                            eventsSeen.add(Integer.parseInt(p[0]));
                        } else {
                            assertThat(m.get("result").asInt()).isEqualTo(m.get("id").asInt());
                            repliesSeen.add(m.get("id").asInt() - 1);
                        }
                    }
                    case PONG -> pongsSeen.add(Integer.parseInt(new String(f.payload(), StandardCharsets.UTF_8).substring(1)));
                    case PING -> { } // the server's heartbeat
                    default -> throw new AssertionError("unexpected opcode " + f.opcode());
                }
            }
            caller.join();
            assertThat(eventsSeen).isEqualTo(sequence(events));
            // Replies may pass one another when a frame task stalls (decision 0003); each comes once.
            assertThat(repliesSeen).containsExactlyInAnyOrderElementsOf(sequence(calls));
            assertThat(pongsSeen).isEqualTo(sequence(calls));
        }
    }

    @Test
    void aConnectionThatNegotiatedCompressionGetsItsEventsCompressed() throws Exception {
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.perMessageDeflate(true));
             RawTcp client = new RawTcp(jetty.port(), "/", "Sec-WebSocket-Extensions: permessage-deflate")) {
            assertThat(client.handshakeResponse).containsIgnoringCase("permessage-deflate");
            client.sendFrame(WebSocketFrames.TEXT, bytes("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"newsUpdate\"],\"id\":1}"));
            Inflater inflater = new Inflater(true); // one per connection: each message may refer to the ones before
            assertThat(inflate(inflater, client.nextFrame())).contains("\"ok\"");
            for (int i = 0; i < 20; i++) { // one by one: each finds the output free
                String news = i + "z".repeat(1000);
                jetty.server().emit("newsUpdate", news);
                Frame f = client.nextFrame();
                assertThat(f.compressed()).as("through Jetty's extension stack, not written directly").isTrue();
                assertThat(inflate(inflater, f)).isEqualTo("{\"notification\":\"newsUpdate\",\"params\":[\"" + news + "\"]}");
            }
        }
    }

    @Test
    void aNotificationIsOneWholeTextFrameAtEveryLengthEncoding() throws IOException {
        for (int length : new int[] {0, 1, 125, 126, 127, 65535, 65536, 200_000}) {
            byte[] json = "x".repeat(length).getBytes(StandardCharsets.UTF_8);
            Notification n = new Notification(json);
            ByteBuffer frame = n.frame();
            byte[] wire = new byte[frame.remaining()];
            frame.get(wire);
            ByteArrayInputStream in = new ByteArrayInputStream(wire);
            Frame f = WebSocketFrames.read(in);
            assertThat(f.fin()).isTrue();
            assertThat(f.opcode()).isEqualTo(WebSocketFrames.TEXT);
            assertThat(f.payload()).as("length %d", length).isEqualTo(json);
            assertThat(in.available()).as("nothing after the frame").isZero();
            assertThat(n.length()).isEqualTo(length);
            ByteBuffer payload = n.payload();
            assertThat(payload.remaining()).isEqualTo(length);
            assertThat(n.frame().remaining()).as("each view is its own").isEqualTo(wire.length);
        }
    }

    private static String inflate(Inflater inflater, Frame f) throws DataFormatException {
        assertThat(f.compressed()).isTrue();
        inflater.setInput(ByteBuffer.allocate(f.payload().length + 4).put(f.payload()).put(new byte[] {0, 0, -1, -1}).flip());
        byte[] text = new byte[64 * 1024];
        return new String(text, 0, inflater.inflate(text), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Integer> sequence(int n) {
        List<Integer> s = new ArrayList<>();
        for (int i = 0; i < n; i++) s.add(i);
        return s;
    }
}
