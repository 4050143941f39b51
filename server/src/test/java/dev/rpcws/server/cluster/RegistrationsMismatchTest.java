package dev.rpcws.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.server.InProcessJetty;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.RawClient;
import org.junit.jupiter.api.Test;

import static dev.rpcws.server.cluster.Nodes.health;
import static dev.rpcws.server.cluster.Nodes.metric;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nodes compare what they serve: a node with one more event than the others is reported by every node, in its
 * log once per peer (not at every heartbeat or hello) and in /health, which still answers 200.
 */
class RegistrationsMismatchTest {
    @Test
    void aNodeServingOtherRegistrationsIsReportedOnceInTheLogAndInHealth() throws Exception {
        try (LogLines log = new LogLines(); Nodes cluster = Nodes.start(1)) {
            InProcessJetty n1 = cluster.node(1);
            InProcessJetty n2 = cluster.add(server -> server.event("onlyOnN2"));
            cluster.awaitMesh();
            String ours = health(n1).path("broker").path("digest").asText();
            String theirs = health(n2).path("broker").path("digest").asText();
            assertThat(theirs).isNotEqualTo(ours);

            assertThat(n1.admin().health().status()).as("a mismatched node stays in the load balancer").isEqualTo(200);
            assertThat(n2.admin().health().status()).isEqualTo(200);
            JsonNode broker = health(n1).path("broker");
            assertThat(broker.path("mismatch").asBoolean()).isTrue();
            assertThat(broker.path("peers").path("n2").asText()).isEqualTo(theirs);
            assertThat(health(n2).path("broker").path("mismatch").asBoolean()).isTrue();
            assertThat(metric(n1, "rpcws_cluster_registrations_mismatch")).isEqualTo(1);
            Poll.until("n1 and n2 log the difference", Nodes.WAIT,
                    () -> log.count("node n2 serves other registrations than this node n1") == 1
                            && log.count("node n1 serves other registrations than this node n2") == 1);

            // A third node, like n1: its hello makes n1 and n2 announce themselves again; n1 hears n2 once more.
            InProcessJetty n3 = cluster.add(server -> { });
            cluster.awaitMesh();
            Poll.until("n3 logs the difference with n2", Nodes.WAIT, () -> log.count("node n2 serves other registrations than this node n3") == 1);
            assertThat(health(n3).path("broker").path("mismatch").asBoolean()).isTrue();
            // n2 answered n3's hello before this emit, on the same connection: once n1 delivers the emit, it has
            // handled n2's answer too (Redis keeps one publisher's order, n1 handles its messages in order).
            try (RawClient sync = Nodes.subscriber(n1, "/", "newsUpdate")) {
                n2.server().emit("newsUpdate", "after n2's answer");
                Nodes.frames(sync, 1);
            }
            assertThat(health(n3).path("broker").path("peers").path("n1").asText()).isEqualTo(ours);
            assertThat(log.count("node n2 serves other registrations than this node n1")).as("n1's report, still one line").isEqualTo(1);
            assertThat(log.count("node n3 serves other registrations than this node n1")).as("n3 serves what n1 serves").isZero();
            assertThat(log.count("node n3 serves other registrations than this node n2")).isEqualTo(1);
            assertThat(log.count("node n1 serves other registrations than this node n3")).isZero();
        }
    }
}
