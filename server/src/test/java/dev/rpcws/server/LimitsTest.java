package dev.rpcws.server;

import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.RawClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every limit has a documented outcome, and one bad peer never costs the others anything. */
class LimitsTest {
    private static final String SUM = "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2],\"id\":1}";
    private static final String SUM_REPLY = "{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":1}";

    @Test
    void anOversizedMessageIsRefusedWith1009() {
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.maxMessageBytes(64 * 1024));
             RawClient big = RawClient.connect(jetty.wsUri("/"));
             RawClient other = RawClient.connect(jetty.wsUri("/"))) {
            big.send("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"" + "x".repeat(100 * 1024) + "\"],\"id\":1}");
            Poll.until("the close", Duration.ofSeconds(5), () -> big.closeCode() != -1);
            assertThat(big.closeCode()).isEqualTo(1009);
            other.send(SUM);
            assertThat(other.nextText()).isEqualTo(SUM_REPLY);
        }
    }

    @Test
    void aMessageUnderTheLimitRoundTrips() {
        try (InProcessJetty jetty = InProcessJetty.start();
             RawClient client = RawClient.connect(jetty.wsUri("/"))) {
            String mib = "é".repeat(512 * 1024); // 1 MiB of UTF-8
            client.send("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"" + mib + "\"],\"id\":1}");
            assertThat(client.nextText()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":[\"" + mib + "\"],\"id\":1}");
        }
    }

    @Test
    void aSlowConsumerIsCutOffAtItsBoundWhileOthersGetEverything() {
        long bound = 256 * 1024;
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.maxQueuedBytes(bound));
             RawClient slow = RawClient.connect(jetty.wsUri("/?socket_id=slow"));
             RawClient fast = RawClient.connect(jetty.wsUri("/?socket_id=fast"))) {
            for (RawClient c : new RawClient[] {slow, fast}) {
                c.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"newsUpdate\"],\"id\":1}");
                assertThat(c.nextText()).contains("\"ok\"");
            }
            slow.pauseReading();
            String payload = "y".repeat(16 * 1024);
            int sent = 0;
            // Loopback socket buffers absorb a few MiB before the server's own queue grows: bounded at 64 MiB.
            while (jetty.server().of("/").connected().contains("slow") && sent < 4096) {
                jetty.server().emit("newsUpdate", payload);
                sent++;
                assertThat(fast.nextText()).contains(payload);
            }
            assertThat(jetty.server().of("/").connected()).containsExactly("fast");
            assertThat(jetty.admin().metric("rpcws_evictions_total{reason=\"slow_consumer\"}")).isEqualTo(1);
            slow.resumeReading();
            Poll.until("the slow peer sees its close", Duration.ofSeconds(10), () -> slow.closeCode() != -1);
            assertThat(slow.closeCode()).isIn(1008, 1006);
        }
    }

    @Test
    void aTooLongBatchGetsOneError() {
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.maxBatch(3));
             RawClient client = RawClient.connect(jetty.wsUri("/"))) {
            client.send("[" + String.join(",", SUM, SUM, SUM, SUM) + "]");
            assertThat(client.nextText()).isEqualTo(
                    "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\"Invalid Request\",\"data\":\"Batch too large: at most 3 requests\"},\"id\":null}");
            client.send("[" + String.join(",", SUM, SUM, SUM) + "]");
            assertThat(client.nextText()).isEqualTo("[" + String.join(",", SUM_REPLY, SUM_REPLY, SUM_REPLY) + "]");
        }
    }

    @Test
    void upgradesBeyondMaxConnectionsGet503() {
        try (InProcessJetty jetty = InProcessJetty.start(o -> o.maxConnections(2));
             RawClient a = RawClient.connect(jetty.wsUri("/"));
             RawClient b = RawClient.connect(jetty.wsUri("/"))) {
            assertThatThrownBy(() -> RawClient.connect(jetty.wsUri("/"))).hasMessageContaining("503");
            assertThat(jetty.admin().metric("rpcws_connections_refused_total")).isEqualTo(1);
            b.close();
            Poll.until("a free slot", Duration.ofSeconds(5), () -> jetty.server().metrics().openConnections() == 1);
            try (RawClient c = RawClient.connect(jetty.wsUri("/"))) {
                c.send(SUM);
                assertThat(c.nextText()).isEqualTo(SUM_REPLY);
            }
        }
    }

    @Test
    void aFloodOfInvalidFramesLeavesOtherClientsServed() {
        try (InProcessJetty jetty = InProcessJetty.start();
             RawClient flooder = RawClient.connect(jetty.wsUri("/"));
             RawClient other = RawClient.connect(jetty.wsUri("/"))) {
            int floodSize = 5000;
            CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < floodSize; i++) flooder.send(i % 2 == 0 ? "{not json" : "[[[[[[[[]");
            });
            for (int i = 0; i < 200; i++) {
                other.send(SUM);
                assertThat(other.nextText()).isEqualTo(SUM_REPLY);
            }
            flood.join();
            for (int i = 0; i < floodSize; i++) assertThat(flooder.nextText()).contains("\"code\":-32700");
            flooder.send(SUM);
            assertThat(flooder.nextText()).isEqualTo(SUM_REPLY);
        }
    }

    @Test
    void deepNestingIsAParseErrorNotACrash() {
        try (InProcessJetty jetty = InProcessJetty.start();
             RawClient client = RawClient.connect(jetty.wsUri("/"))) {
            client.send("[".repeat(100_000) + "]".repeat(100_000));
            assertThat(client.nextText()).startsWith("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"Parse error\",\"data\":\"SyntaxError: ");
            client.send(SUM);
            assertThat(client.nextText()).isEqualTo(SUM_REPLY);
        }
    }

    @Test
    void malformedUtf8InATextFrameClosesThatConnectionWith1007Only() throws Exception {
        try (InProcessJetty jetty = InProcessJetty.start();
             RawClient other = RawClient.connect(jetty.wsUri("/"));
             RawTcp bad = new RawTcp(jetty.port(), "/")) {
            assertThat(bad.handshakeResponse).startsWith("HTTP/1.1 101");
            bad.sendFrame(0x1, new byte[] {'"', (byte) 0xc3, (byte) 0x28, '"'});
            assertThat(bad.awaitCloseCode()).isEqualTo(1007);
            other.send(SUM);
            assertThat(other.nextText()).isEqualTo(SUM_REPLY);
        }
    }

    @Test
    void malformedUtf8InABinaryFrameIsDecodedWithReplacementsAsTheReferenceDoes() {
        try (InProcessJetty jetty = InProcessJetty.start();
             RawClient client = RawClient.connect(jetty.wsUri("/"))) {
            client.sendBinary("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"\u00ff\"],\"id\":1}".getBytes(StandardCharsets.ISO_8859_1));
            RawClient.Frame reply = client.next(Duration.ofSeconds(5));
            assertThat(reply.binary()).isFalse();
            assertThat(reply.text()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":[\"\ufffd\"],\"id\":1}");
        }
    }
}
