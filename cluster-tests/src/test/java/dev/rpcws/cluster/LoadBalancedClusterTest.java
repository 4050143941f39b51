package dev.rpcws.cluster;

import dev.rpcws.client.RpcClient;
import dev.rpcws.client.RpcEvent;
import dev.rpcws.protocol.Json;
import dev.rpcws.protocol.Wire;
import dev.rpcws.testkit.LocalCluster;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.RawClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Three nodes of the runnable jar on one redis-server behind HAProxy, as {@code scripts/cluster.sh up} starts
 * them: a client whose node dies comes back through the load balancer on another node; the load balancer sends
 * new connections around a killed node and a draining one; a node told to stop (SIGTERM) drains and exits.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancedClusterTest {
    /** Longer than HAProxy needs to see a 503 twice (checks a second apart). */
    private static final Duration DRAIN_WINDOW = Duration.ofSeconds(5);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static LocalCluster cluster;

    @BeforeAll
    static void start() {
        cluster = LocalCluster.start(3, "--drain-window", Long.toString(DRAIN_WINDOW.toMillis()));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void aJavaClientWhoseNodeIsKilledGetsItsLoginAndSubscriptionBackOnAnotherNode() throws Exception {
        BlockingQueue<RpcEvent> events = new LinkedBlockingQueue<>();
        try (RpcClient client = RpcClient.builder(cluster.wsUri("/?socket_id=java-1")).build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            assertThat(client.login(Map.of("username", "foo", "password", "bar")).get(10, TimeUnit.SECONDS).asBoolean()).isTrue();
            client.subscribe("secretNews", events::add).get(10, TimeUnit.SECONDS);
            LocalCluster.Node home = nodeOf("java-1");
            LocalCluster.Node other = cluster.nodes().stream().filter(n -> n != home).findFirst().orElseThrow();
            other.admin().emit("secretNews", Json.parse("\"before\""));
            assertThat(events.poll(10, TimeUnit.SECONDS)).isNotNull().extracting(e -> e.arg(0).asText()).isEqualTo("before");

            home.kill();
            long killed = System.nanoTime();
            // Every 50 ms, once the client is back on some node, emit from another surviving node until the client
            // hears one: a protected event, delivered across nodes, so it proves the login came back with the
            // subscription and the broker carries it.
            RpcEvent first = null;
            LocalCluster.Node now = null;
            for (int i = 0; first == null && System.nanoTime() - killed < WAIT.toNanos(); i++) {
                now = cluster.nodeOf("java-1", "/").orElse(null);
                if (now != null) {
                    LocalCluster.Node landed = now;
                    LocalCluster.Node emitter = cluster.nodes().stream().filter(n -> n != home && n != landed).findFirst().orElseThrow();
                    emitter.admin().emit("secretNews", Json.parse("\"after " + i + "\""));
                }
                first = events.poll(50, TimeUnit.MILLISECONDS);
            }
            long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            assertThat(first).as("an event after the failover").isNotNull();
            assertThat(first.arg(0).asText()).startsWith("after ");
            assertThat(now).isNotNull().isNotSameAs(home);
            System.out.println("Java client failover through HAProxy, SIGKILL of its node to its first event: " + failoverMs + " ms");
        } finally {
            restartAndAwaitUp(cluster.nodes().stream().filter(n -> !n.isAlive()).findFirst().orElse(null));
        }
    }

    @Test
    @Order(2)
    void newConnectionsGoAroundAKilledNodeAndBackToItWhenItReturns() {
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) clients.add(RawClient.connect(cluster.wsUri("/?socket_id=k" + i)));
            Set<String> used = new HashSet<>();
            for (int i = 0; i < 6; i++) used.add(nodeOf("k" + i).id());
            assertThat(used).as("nodes the load balancer chose (leastconn)").containsExactlyInAnyOrder("n1", "n2", "n3");

            LocalCluster.Node victim = nodeOf("k0");
            victim.kill();
            Poll.until("k0 sees its connection drop", WAIT, () -> clients.get(0).closeCode() != -1);
            assertThat(clients.get(0).closeCode()).isEqualTo(Wire.CLOSE_ABNORMAL);
            // At once, before the health checks notice: HAProxy retries the refused connection on another node.
            for (int i = 0; i < 4; i++) {
                clients.add(RawClient.connect(cluster.wsUri("/?socket_id=r" + i)));
                assertThat(nodeOf("r" + i)).as("node of r" + i).isNotSameAs(victim);
            }
            restartAndAwaitUp(victim);
            clients.add(RawClient.connect(cluster.wsUri("/?socket_id=back")));
            assertThat(nodeOf("back")).as("the restarted node has the fewest connections").isSameAs(victim);
        } finally {
            clients.forEach(RawClient::close);
            restartAndAwaitUp(cluster.nodes().stream().filter(n -> !n.isAlive()).findFirst().orElse(null));
        }
    }

    @Test
    @Order(3)
    void aNodeToldToStopDrainsLeavesTheLoadBalancerAndExits() {
        LocalCluster.Node draining = cluster.node("n3");
        List<RawClient> direct = new ArrayList<>();
        List<RawClient> balanced = new ArrayList<>();
        try {
            // Straight to the node: its drain lasts while they close, and HAProxy (which did not see them) still
            // counts it among the least loaded.
            for (int i = 0; i < 4; i++) direct.add(RawClient.connect(draining.wsUri("/?socket_id=d" + i)));
            draining.drain();
            Poll.until(draining.id() + " health 503", WAIT, () -> draining.admin().health().status() == 503);
            assertThatThrownBy(() -> RawClient.connect(draining.wsUri("/"))).as("an upgrade straight to the draining node")
                    .hasMessageContaining("503");
            // Before the health checks notice, an upgrade HAProxy sends there is refused (503) and retried elsewhere.
            for (int i = 0; i < 6; i++) {
                balanced.add(RawClient.connect(cluster.wsUri("/?socket_id=b" + i)));
                assertThat(nodeOf("b" + i)).as("node of b" + i + " (connected during the drain)").isNotSameAs(draining);
            }
            Poll.until("HAProxy takes " + draining.id() + " out on its 503", WAIT,
                    () -> cluster.haproxy().reported(draining.id(), "DOWN, reason: Layer7 wrong status, code: 503") == 1);
            Poll.until("the drained clients are closed", WAIT, () -> direct.stream().allMatch(c -> c.closeCode() != -1));
            for (RawClient c : direct) assertThat(c.closeCode()).isEqualTo(Wire.CLOSE_GOING_AWAY);
            assertThat(draining.waitForExit(DRAIN_WINDOW.plus(WAIT))).as("exit status after the drain").isNotNull();
            assertThat(balanced).allMatch(RawClient::isOpen);
        } finally {
            direct.forEach(RawClient::close);
            balanced.forEach(RawClient::close);
        }
    }

    private static LocalCluster.Node nodeOf(String socketId) {
        return Poll.value("the node holding " + socketId, WAIT, () -> cluster.nodeOf(socketId, "/").orElse(null));
    }

    /** Restarts a dead node once HAProxy has marked it down, and waits until HAProxy marks it up again. */
    private static void restartAndAwaitUp(LocalCluster.Node node) {
        if (node == null) return;
        cluster.awaitBalanced(node, false, WAIT);
        node.restart();
        cluster.awaitBalanced(node, true, WAIT);
    }
}
