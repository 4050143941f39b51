package dev.rpcws.bench;

import dev.rpcws.protocol.Json;
import dev.rpcws.testkit.AdminClient;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.RedisProcess;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The cluster series: fan-out to subscribers spread evenly over three nodes of the Jetty server that share one
 * redis-server, emitted through the admin API of one node, beside the same fan-out to as many subscribers on one
 * node without a broker; then the broker's added latency: a subscriber on the emitting node and one on another
 * node, one emit at a time, and the time from the emit to each. Everything on this machine, like the other series:
 * the three nodes and Redis share its cores, so the cluster shows what the broker costs, not what more machines gain.
 */
final class ClusterRun {
    static final String ONE_NODE = "one node";
    static final String THREE_NODES = "three nodes, Redis";
    private static final int NODES = 3;

    private ClusterRun() {}

    static void run(BenchMain.Config c, Results results) {
        for (int size : c.clusterFanOut) {
            fanOut(c, results, ONE_NODE, size, List.of());
            try (Cluster cluster = Cluster.start(c)) {
                fanOut(c, results, THREE_NODES, size, cluster.nodes);
            }
        }
        if (c.latencyEmits > 0) {
            try (Cluster cluster = Cluster.start(c)) {
                results.brokerLatency = latency(c, cluster);
            }
        }
    }

    /** Rounds of one emit each through the first node's admin API, to {@code size} subscribers spread evenly over {@code nodes} (none: one node of its own, no broker). */
    private static void fanOut(BenchMain.Config c, Results results, String setup, int size, List<ServerProcess> nodes) {
        ServerProcess single = nodes.isEmpty() ? BenchMain.startServer(c, "jetty", List.of()) : null;
        List<ServerProcess> targets = single != null ? List.of(single) : nodes;
        Agent agent = BenchMain.track(Agent.start(Agent.Kind.NIO, c.repo, c.benchJar.toString(), "nio-cluster-generator"));
        try {
            for (int i = 0; i < targets.size(); i++) {
                int share = size / targets.size() + (i < size % targets.size() ? 1 : 0);
                Agent.Opened o = agent.open("subscribers", targets.get(i).port, share, null, BenchMain.openTimeout(share));
                if (o.opened() < share) throw new IllegalStateException(setup + ": opened only " + o.opened() + " of " + share + " connections");
            }
            int errors = agent.subscribe("subscribers", BenchMain.EVENT, size, BenchMain.openTimeout(size));
            ServerProcess emitter = targets.get(0);
            // steady by the CPU of every node (Redis is not a server of the bench's, and does the same work every round)
            List<Proc.ThreadsCpu> cpu = targets.stream().map(ServerProcess::threadsCpu).toList();
            WarmUp.Outcome warm = BenchMain.warmUp(c, agent, emitter.adminPort, 0, () -> cpu.stream().mapToLong(Proc.ThreadsCpu::getAsLong).sum());
            BenchMain.log("cluster: %s, fan-out to %d: warm-up %s", setup, size, warm.text());
            int round = warm.rounds();
            List<Double> millis = new ArrayList<>();
            int incomplete = 0;
            for (int r = 0; r < c.rounds; r++) {
                BenchMain.sleep(Duration.ofMillis(100));
                FanOutRound result = agent.fanOut("subscribers", emitter.adminPort, BenchMain.EVENT, ++round, c.payload, Duration.ofSeconds(10), 0);
                if (result.complete()) millis.add(result.nanos() / 1e6);
                else incomplete++;
            }
            targets.forEach(BenchMain::requireAlive);
            double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double p50 = percentile(sorted, 50);
            Results.ClusterFanOutPoint p = new Results.ClusterFanOutPoint(setup, size, warm.rounds(), warm.steady(), c.rounds, incomplete, p50, percentile(sorted, 100),
                    size / (p50 / 1e3), errors + agent.stats().errors());
            results.clusterFanOut.add(p);
            BenchMain.log("cluster: %s, fan-out to %d: p50 %.2f ms, max %.2f ms, %.0f deliveries/s, %d incomplete rounds, %d errors",
                    setup, size, p.p50Millis(), p.maxMillis(), p.deliveriesPerSecond(), incomplete, p.errors());
        } finally {
            BenchMain.close(agent);
            if (single != null) BenchMain.close(single);
        }
    }

    /**
     * {@code latencyEmits} emits, one at a time, through the first node's admin API, each awaited at a subscriber on
     * that node and then at one on the second node: the times from the emit to each arrival, and their difference
     * (what Redis and the broker add), after as many emits again to warm up. The JDK's WebSocket client (daemon
     * threads: the run's JVM exits when it is done).
     */
    private static Results.BrokerLatency latency(BenchMain.Config c, Cluster cluster) {
        ServerProcess home = cluster.nodes.get(0);
        ServerProcess other = cluster.nodes.get(1);
        AdminClient admin = new AdminClient(URI.create("http://127.0.0.1:" + home.adminPort));
        int n = c.latencyEmits;
        long[] local = new long[n];
        long[] remote = new long[n];
        long[] added = new long[n];
        try (Subscriber here = new Subscriber(home); Subscriber there = new Subscriber(other)) {
            for (int i = -n; i < n; i++) {
                long start = System.nanoTime();
                admin.emit(BenchMain.EVENT, Json.mapper().getNodeFactory().numberNode(i));
                long toHere = here.arrival(i) - start;
                long toThere = there.arrival(i) - start;
                if (i < 0) continue;
                local[i] = toHere;
                remote[i] = toThere;
                added[i] = toThere - toHere;
            }
        }
        Results.BrokerLatency l = new Results.BrokerLatency(n, ms(local, 50), ms(local, 99), ms(remote, 50), ms(remote, 99), ms(added, 50), ms(added, 99));
        BenchMain.log("cluster: emit to delivery, %d emits one at a time: same node p50 %.2f ms p99 %.2f ms; another node p50 %.2f ms p99 %.2f ms;"
                + " added by the broker p50 %.2f ms p99 %.2f ms", n, l.localP50Millis(), l.localP99Millis(), l.remoteP50Millis(), l.remoteP99Millis(),
                l.addedP50Millis(), l.addedP99Millis());
        return l;
    }

    /**
     * A connection subscribed to the event, on the JDK's WebSocket client (it answers the server's pings): each text
     * message is stamped when it arrives.
     */
    private static final class Subscriber implements WebSocket.Listener, AutoCloseable {
        private record Arrival(String text, long nanos) {}

        private final BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private final WebSocket socket;

        Subscriber(ServerProcess node) {
            socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + node.port + "/"), this).join();
            socket.sendText("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"" + BenchMain.EVENT + "\"],\"id\":1}", true).join();
            Arrival reply = next();
            if (!reply.text().contains("\"ok\"")) throw new IllegalStateException("subscribing on " + node + ": " + reply.text());
        }

        @Override public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                arrivals.add(new Arrival(partial.toString(), System.nanoTime()));
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        private Arrival next() {
            try {
                Arrival a = arrivals.poll(10, TimeUnit.SECONDS);
                if (a == null) throw new IllegalStateException("nothing arrived within 10 s");
                return a;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** When the notification carrying {@code i} arrived. */
        long arrival(int i) {
            Arrival a = next();
            String expected = "{\"notification\":\"" + BenchMain.EVENT + "\",\"params\":[" + i + "]}";
            if (!expected.equals(a.text())) throw new IllegalStateException("expected " + expected + ", got " + a.text());
            return a.nanos();
        }

        @Override public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }

    private static double ms(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)] / 1e6;
    }

    private static double percentile(double[] sorted, int p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (sorted.length - 1) * p / 100)];
    }

    /** A redis-server and three nodes (the compat fixture, its broker), each a process; stopped together. */
    private record Cluster(RedisProcess redis, List<ServerProcess> nodes) implements AutoCloseable {
        static Cluster start(BenchMain.Config c) {
            RedisProcess redis = RedisProcess.start();
            List<ServerProcess> nodes = new ArrayList<>();
            try {
                for (int i = 1; i <= NODES; i++) {
                    nodes.add(BenchMain.startServer(c, "jetty", List.of("--broker", redis.uri(), "--node-id", "n" + i, "--drain-window", "0")));
                }
                for (ServerProcess node : nodes) awaitBroker(node);
                return new Cluster(redis, nodes);
            } catch (RuntimeException e) {
                nodes.forEach(BenchMain::close);
                redis.close();
                throw e;
            }
        }

        private static void awaitBroker(ServerProcess node) {
            AdminClient admin = new AdminClient(URI.create("http://127.0.0.1:" + node.adminPort));
            Poll.until(node + " connected to Redis", Duration.ofSeconds(30),
                    () -> admin.health().body().path("broker").path("state").asText().equals("up"));
        }

        @Override public void close() {
            nodes.forEach(BenchMain::close);
            redis.close();
        }
    }
}
