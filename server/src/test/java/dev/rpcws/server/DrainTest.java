package dev.rpcws.server;

import dev.rpcws.protocol.Wire;
import dev.rpcws.testkit.AdminClient;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.RawClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A drain takes a node out of service gently: health 503 at once, upgrades refused, connections closed over a window. */
class DrainTest {
    private static final Duration WINDOW = Duration.ofSeconds(2);

    @Test
    void drainAnswers503RefusesUpgradesAndClosesEveryConnectionWith1001SpreadOverTheWindow() throws Exception {
        int count = 5;
        try (InProcessJetty jetty = InProcessJetty.start()) {
            List<RawClient> clients = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                RawClient c = RawClient.connect(jetty.wsUri("/"));
                c.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"newsUpdate\"],\"id\":1}");
                assertThat(c.nextText()).contains("\"ok\"");
                clients.add(c);
            }
            AdminClient admin = jetty.admin();
            assertThat(admin.health().status()).isEqualTo(200);

            long start = System.nanoTime();
            CompletableFuture<Void> drained = jetty.server().drain(WINDOW);
            // At once: only the first close is due now, the others 400 ms apart (the checks below take a while under load).
            jetty.server().emit("newsUpdate", "still here");
            AdminClient.Health health = admin.health();
            assertThat(health.status()).as("health right after the drain began").isEqualTo(503);
            assertThat(health.body().path("draining").asBoolean()).isTrue();
            assertThat(admin.metric("rpcws_draining")).isEqualTo(1);
            assertThatThrownBy(() -> RawClient.connect(jetty.wsUri("/"))).as("a new upgrade").hasMessageContaining("503");
            assertThat(admin.metric("rpcws_upgrades_refused_total{reason=\"draining\"}")).isEqualTo(1);
            // Connections not closed yet got the event.
            long reached = clients.stream().map(c -> c.next(Duration.ofSeconds(1)))
                    .filter(f -> f != null && f.text().equals("{\"notification\":\"newsUpdate\",\"params\":[\"still here\"]}")).count();
            assertThat(reached).as("connections reached by an emit during the drain").isGreaterThanOrEqualTo(1);

            drained.get(WINDOW.toMillis() + 10_000, TimeUnit.MILLISECONDS);
            Poll.until("every client saw its close", Duration.ofSeconds(10), () -> clients.stream().allMatch(c -> c.closeCode() != -1));
            List<Long> closedAfterMs = new ArrayList<>();
            for (RawClient c : clients) {
                assertThat(c.closeCode()).isEqualTo(Wire.CLOSE_GOING_AWAY);
                assertThat(c.closeReason()).isEqualTo("Server draining");
                closedAfterMs.add(TimeUnit.NANOSECONDS.toMillis(c.closedAtNanos() - start));
            }
            closedAfterMs.sort(null);
            // Scheduled at 0, 400, 800, 1200 and 1600 ms: late under load, never early, and not all at once.
            assertThat(closedAfterMs.get(count - 1) - closedAfterMs.get(0)).as("spread of the closes (ms): " + closedAfterMs)
                    .isGreaterThanOrEqualTo(WINDOW.toMillis() / 2);
            assertThat(closedAfterMs.get(count - 1)).as("the last close (ms)").isGreaterThanOrEqualTo(WINDOW.toMillis() * (count - 1) / count);
            clients.forEach(RawClient::close);
        }
    }

    @Test
    void drainingWithoutConnectionsCompletesAtOnce() throws Exception {
        try (InProcessJetty jetty = InProcessJetty.start()) {
            jetty.server().drain(Duration.ofMinutes(5)).get(5, TimeUnit.SECONDS);
            assertThat(jetty.admin().health().status()).isEqualTo(503);
        }
    }
}
