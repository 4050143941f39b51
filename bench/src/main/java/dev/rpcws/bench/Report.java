package dev.rpcws.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The results as Markdown: the figures of issue 17 under each generator, Jetty beside Node with their ratio and
 * the target; Jetty beside the floor; then every series in full. A smoke run ({@code --quick}) says so at the
 * top and judges no target.
 */
final class Report {
    private Report() {}

    /** How a row is judged: on the ratio of Jetty to the other server, or on Jetty's own value. */
    private enum Judge { NONE, RATIO_AT_MOST, RATIO_AT_LEAST, JETTY_AT_MOST }

    /** A target, judged under the listed generators (all when empty). */
    private record Target(Judge judge, double bound, List<String> generators) {
        static final Target NONE = new Target(Judge.NONE, 0, List.of());

        static Target ratioAtMost(double bound) { return new Target(Judge.RATIO_AT_MOST, bound, List.of()); }

        String text() {
            String under = generators.isEmpty() ? "" : " (" + String.join(", ", generators) + ")";
            return switch (judge) {
                case NONE -> "";
                case RATIO_AT_MOST -> "<= " + fmt(bound, 1) + "x" + under;
                case RATIO_AT_LEAST -> ">= " + fmt(bound, 1) + "x" + under;
                case JETTY_AT_MOST -> "Jetty <= " + fmt(bound, 1) + under;
            };
        }

        /** "yes", "**no**", or "" where this generator is not judged or a figure is missing. */
        String met(String generator, double jetty, double other) {
            if (judge == Judge.NONE || (!generators.isEmpty() && !generators.contains(generator))) return "";
            double v = judge == Judge.JETTY_AT_MOST ? jetty : jetty / other;
            if (Double.isNaN(v)) return "n/a";
            boolean met = switch (judge) {
                case RATIO_AT_MOST, JETTY_AT_MOST -> v <= bound;
                case RATIO_AT_LEAST -> v >= bound;
                case NONE -> true;
            };
            return met ? "yes" : "**no**";
        }
    }

    /** One figure: its value for Jetty and for the other server under each generator. */
    private record Row(String figure, String unit, int decimals, Target target, Function<String, double[]> values) {}

    static String markdown(BenchMain.Config c, Results r, Duration took) {
        List<String> gens = c.generators.stream().map(k -> k.id).toList();
        StringBuilder md = new StringBuilder();
        md.append("# rpcws (Jetty) vs the canonical rpc-websockets Node server, and the floor\n\n");
        if (c.quick) {
            md.append("**Smoke run (`--quick`)**: every figure at small sizes and short windows, to check the tools. These numbers\n")
                    .append("judge nothing; no target is marked met or missed.\n\n");
        }
        md.append("Written by `bash bench/run.sh").append(c.quick ? " --quick" : "").append("` on ")
                .append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"))).append(" (run took ")
                .append(took.toSeconds()).append(" s). All servers ran on this machine in this one run, driven over 127.0.0.1 by ")
                .append(gens.size() == 2 ? "both load generators" : "the " + gens.get(0) + " load generator")
                .append(". How each figure is measured, and what limits it: bench/README.md.\n\n");
        setup(md, c, r);

        int size = c.connections;
        int judgedFanOut = judgedSize(c.fanOut);
        int judgedIdle = judgedSize(c.idle);
        int largestIdle = c.largestIdle();

        List<Row> rows = new ArrayList<>();
        String load = size + " connections x " + c.inFlight + " in flight";
        rows.add(callRow(r, "calls/s (" + load + ")", "", 0, Target.NONE, size, "node", Results.CallPoint::callsPerSecond));
        rows.add(callRow(r, "server CPU per call", "us", 2, Target.ratioAtMost(0.6), size, "node", Results.CallPoint::serverCpuPerCallMicros));
        rows.add(callRow(r, "server CPU used", "cores", 2, Target.NONE, size, "node", Results.CallPoint::serverCores));
        rows.add(callRow(r, "latency p50", "us", 0, Target.NONE, size, "node", Results.CallPoint::p50Micros));
        rows.add(callRow(r, "latency p99", "us", 0, Target.ratioAtMost(1.0), size, "node", Results.CallPoint::p99Micros));
        rows.add(callRow(r, "latency p99.9", "us", 0, Target.NONE, size, "node", Results.CallPoint::p999Micros));
        rows.add(callRow(r, "call errors", "", 0, Target.NONE, size, "node", p -> (double) p.errors()));
        rows.add(callRow(r, "server RSS after the calls", "MiB", 1, Target.NONE, size, "node", Results.CallPoint::rssMiB));
        rows.add(callRow(r, "load generator CPU per call", "us", 2, Target.NONE, size, "node", Results.CallPoint::generatorCpuPerCallMicros));
        rows.add(callRow(r, "load generator CPU used", "cores", 2, Target.NONE, size, "node", Results.CallPoint::generatorCores));
        rows.add(callRow(r, "load generator waiting for a CPU", "ms/s", 0, Target.NONE, size, "node", Results.CallPoint::generatorWaitMillisPerSecond));
        for (int s : c.fanOut) {
            String n = String.format(Locale.ROOT, "fan-out %,d: ", s);
            boolean judged = s == judgedFanOut;
            rows.add(fanOutRow(r, n + "time until all received, p50", "ms", 2, Target.NONE, s, "node", Results.FanOutPoint::p50Millis));
            rows.add(fanOutRow(r, n + "time until all received, max", "ms", 2, Target.NONE, s, "node", Results.FanOutPoint::maxMillis));
            rows.add(fanOutRow(r, n + "deliveries/s (at p50)", "", 0, judged ? new Target(Judge.RATIO_AT_LEAST, 1.5, List.of("nio")) : Target.NONE,
                    s, "node", Results.FanOutPoint::deliveriesPerSecond));
            rows.add(fanOutRow(r, n + "server CPU per delivery", "us", 2, judged ? Target.ratioAtMost(0.8) : Target.NONE, s, "node",
                    Results.FanOutPoint::serverCpuPerDeliveryMicros));
            rows.add(fanOutRow(r, n + "cores busy, server + load generator", "", 2, Target.NONE, s, "node", Results.FanOutPoint::machineCores));
            rows.add(fanOutRow(r, n + "incomplete rounds, errors", "", 0, Target.NONE, s, "node", p -> (double) p.incomplete() + p.errors()));
        }
        for (int n : c.idle) {
            String at = String.format(Locale.ROOT, " (at %,d)", n);
            rows.add(idleRow(r, "memory per idle connection, RSS" + at, "KiB", 2, n == judgedIdle ? Target.ratioAtMost(1.0) : Target.NONE, n,
                    Results.IdlePoint::rssPerConnectionKiB));
            rows.add(idleRow(r, "live heap per idle connection" + at, "KiB", 2, Target.NONE, n, Results.IdlePoint::liveHeapPerConnectionKiB));
            rows.add(idleRow(r, "`sum` p99 on " + c.busyConnections + " busy connections beside them / without" + at, "", 2,
                    n == largestIdle ? new Target(Judge.JETTY_AT_MOST, 1.5, List.of()) : Target.NONE, n, Results.IdlePoint::busyP99Ratio));
        }
        if (c.idle.length > 0) {
            for (int interval : new int[] {BenchMain.DEFAULT_PING_MILLIS, c.shortPingMillis, 0}) {
                String what = interval == 0 ? "heartbeats off" : "heartbeat every " + (interval >= 1000 ? interval / 1000 + " s" : interval + " ms");
                rows.add(new Row(String.format(Locale.ROOT, "server CPU, %s, %,d idle connections: CPU s per 1,000 connections per minute", what, largestIdle),
                        "", 4, Target.NONE, g -> new double[] {
                            r.heartbeat(g, "jetty", interval).map(Results.HeartbeatPoint::cpuSecondsPerThousandPerMinute).orElse(Double.NaN),
                            Double.NaN}));
            }
        }
        md.append("## Jetty and Node under ").append(gens.size() == 2 ? "both generators" : "the " + gens.get(0) + " generator").append("\n\n");
        md.append("The Node server sends no heartbeats (rpc-websockets 10.0.1's Server has none): its heartbeat rows are n/a.\n\n");
        table(md, c, gens, rows, "Node", "Jetty/Node");

        List<Row> floorRows = new ArrayList<>();
        floorRows.add(callRow(r, "server CPU per call (" + load + ")", "us", 2, Target.ratioAtMost(2.0), size, "floor",
                Results.CallPoint::serverCpuPerCallMicros));
        floorRows.add(callRow(r, "latency p99 (" + load + ")", "us", 0, Target.NONE, size, "floor", Results.CallPoint::p99Micros));
        for (int s : c.fanOut) {
            floorRows.add(fanOutRow(r, String.format(Locale.ROOT, "fan-out %,d: server CPU per delivery", s), "us", 2,
                    s == judgedFanOut ? Target.ratioAtMost(1.3) : Target.NONE, s, "floor", Results.FanOutPoint::serverCpuPerDeliveryMicros));
        }
        for (int n : c.idle) {
            floorRows.add(new Row(String.format(Locale.ROOT, "memory per idle connection, RSS (at %,d)", n), "KiB", 2, Target.NONE,
                    g -> new double[] {idleValue(r, g, "jetty", n, Results.IdlePoint::rssPerConnectionKiB),
                        idleValue(r, g, "floor", n, Results.IdlePoint::rssPerConnectionKiB)}));
        }
        md.append("\n## Jetty and the floor\n\n");
        md.append("The floor (`FloorServer`) is the least a server can do on this loopback: one selector thread, RFC 6455 framing, a\n")
                .append("pre-encoded reply to every text frame, one pre-encoded frame written to every subscriber (bench/README.md).\n\n");
        table(md, c, gens, floorRows, "floor", "Jetty/floor");

        cluster(md, c, r);
        series(md, c, r);
        compression(md, r, size);
        md.append("\n## Plots\n\n");
        String base = c.out.getFileName().toString().replaceFirst("\\.md$", "");
        for (String s : List.of("calls", "fan-out", "idle", "heartbeats")) {
            md.append("- ").append(s).append(": [").append(base).append("-").append(s).append(".png](").append(base).append("-").append(s).append(".png)\n");
        }
        if (c.profile) {
            md.append("\n## Profiles\n\nJFR recordings of the Jetty server over its measured windows and rounds, in `")
                    .append(c.display(c.jfrDir())).append("/`. Hot methods: `java -cp bench/target/rpcws-bench.jar dev.rpcws.bench.HotMethods FILE.jfr`;\n")
                    .append("every sample with its stack: `jfr print --events jdk.ExecutionSample FILE.jfr`.\n");
        }
        return md.toString();
    }

    /** Three nodes on one Redis beside one node, figure by figure, and what the broker adds to an emit's way. */
    private static void cluster(StringBuilder md, BenchMain.Config c, Results r) {
        if (r.clusterFanOut.isEmpty() && r.brokerLatency == null) return;
        md.append("\n## Three nodes on one Redis, and one node\n\n")
                .append("The same fan-out (nio generator), one emit through the admin API of the first node: to subscribers on one node\n")
                .append("without a broker, and to as many spread evenly over three nodes that pass the emit on through one redis-server.\n")
                .append("All on this machine: the nodes and Redis share its cores, so this shows what the broker costs, not what more\n")
                .append("machines would gain.\n\n");
        md.append("| subscribers | setup | warm-up rounds | time until all received, p50 | max | deliveries/s (at p50) | incomplete rounds | errors |\n")
                .append("|---:|---|---:|---:|---:|---:|---:|---:|\n");
        for (Results.ClusterFanOutPoint p : r.clusterFanOut) {
            md.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s | %d | %d |%n", p.subscribers(), p.setup(),
                    warmUp(p.warmupRounds(), p.warmupSteady()), value(p.p50Millis(), 2, "ms"),
                    value(p.maxMillis(), 2, "ms"), value(p.deliveriesPerSecond(), 0, ""), p.incomplete(), p.errors()));
        }
        Results.BrokerLatency l = r.brokerLatency;
        if (l == null) return;
        md.append(String.format(Locale.ROOT, "%nFrom an emit (admin API of the first node) to its delivery, %,d emits one at a time, each awaited at a%n"
                + "subscriber on that node, then at one on the second node:%n%n| to a subscriber on | p50 | p99 |%n|---|---:|---:|%n", l.emits()));
        md.append("| the emitting node | ").append(value(l.localP50Millis(), 2, "ms")).append(" | ").append(value(l.localP99Millis(), 2, "ms")).append(" |\n");
        md.append("| another node, through Redis | ").append(value(l.remoteP50Millis(), 2, "ms")).append(" | ").append(value(l.remoteP99Millis(), 2, "ms")).append(" |\n");
        md.append("| added by the broker (the difference, per emit) | ").append(value(l.addedP50Millis(), 2, "ms")).append(" | ")
                .append(value(l.addedP99Millis(), 2, "ms")).append(" |\n");
    }

    private static void setup(StringBuilder md, BenchMain.Config c, Results r) {
        md.append("| | |\n|---|---|\n");
        md.append("| machine | ").append(machine()).append(" |\n");
        md.append("| load average (1 min), start / end of the run | ").append(fmt(r.loadAtStart, 1)).append(" / ")
                .append(fmt(Proc.loadAverage(), 1)).append(" (above the core count, other work shared the machine) |\n");
        String jar = c.display(c.jettyJar);
        String nice = c.serverNice == 0 ? "" : "nice -n " + c.serverNice + " ";
        String flags = String.join(" ", c.jettyJvmFlags) + (c.jettyJvmFlags.isEmpty() ? "" : " ");
        md.append("| Jetty server | `").append(nice).append("java ").append(flags).append("-jar ").append(jar)
                .append(" --fixture compat`, Java ").append(System.getProperty("java.version")).append(" |\n");
        md.append("| Node server | `").append(nice).append("node clients-js/reference-server.mjs` (rpc-websockets 10.0.1), Node ").append(nodeVersion()).append(" |\n");
        md.append("| floor | `").append(nice).append("java ").append(flags).append("-cp bench/target/rpcws-bench.jar dev.rpcws.bench.FloorServer` |\n");
        md.append("| generators | ");
        List<String> g = new ArrayList<>();
        if (c.generators.contains(Agent.Kind.NIO)) g.add("nio: Java, raw NIO, one thread (`NioAgent`)");
        if (c.generators.contains(Agent.Kind.WS)) g.add("ws: Node, npm `ws` 8.23.0, one event loop (`bench/node/ws-agent.mjs`)");
        md.append(String.join("; ", g)).append("; every handshake offers permessage-deflate |\n");
        md.append("| calls | ").append(c.connections).append(" connections x ").append(c.inFlight).append(" in flight of `sum [1,2]`, ")
                .append(fmt(c.warmup.toMillis() / 1e3, 1)).append(" s warm-up, then ").append(c.windows).append(" windows of ")
                .append(fmt(c.measure.toMillis() / 1e3, 1)).append(" s per server and generator, taking turns; series at ")
                .append(Arrays.toString(c.callSeries)).append(" connections (").append(c.seriesWindows).append(" windows each) |\n");
        md.append("| fan-out | ").append(Arrays.toString(c.fanOut)).append(" subscribers; per size, warm-up in ").append(c.warmUp.text())
                .append(" (the rounds each took: the fan-out series), then ").append(c.rounds).append(" measured rounds |\n");
        md.append("| idle | ").append(Arrays.toString(c.idle)).append(" connections, held by generator processes of up to ")
                .append(String.format(Locale.ROOT, "%,d", c.perProcess)).append(" each; heartbeats: default ").append(BenchMain.DEFAULT_PING_MILLIS / 1000)
                .append(" s over ").append(fmt(c.heartbeatWindow.toMillis() / 1e3, 1)).append(" s, ").append(c.shortPingMillis)
                .append(" ms and off over ").append(fmt(c.shortHeartbeatWindow.toMillis() / 1e3, 1)).append(" s |\n");
        md.append("| cluster | ").append(Arrays.toString(c.clusterFanOut)).append(" subscribers over three nodes (`--broker`) and one node; ")
                .append(c.latencyEmits).append(" emits for the broker's added latency |\n");
        md.append("| priority | ").append(c.serverNice == 0 ? "servers and load generators alike"
                : "servers " + c.serverNice + " `nice` steps below the load generators").append(" |\n\n");
    }

    private static void table(StringBuilder md, BenchMain.Config c, List<String> gens, List<Row> rows, String other, String ratio) {
        md.append("| figure |");
        for (String g : gens) md.append(' ').append(g).append(": Jetty | ").append(g).append(": ").append(other).append(" | ").append(g).append(": ").append(ratio).append(" |");
        md.append(" target | met").append(gens.size() == 2 ? " (" + String.join(" / ", gens) + ")" : "").append(" |\n|---|");
        md.append("---:|".repeat(3 * gens.size())).append("---|---|\n");
        for (Row row : rows) {
            md.append("| ").append(row.figure()).append(" |");
            List<String> met = new ArrayList<>();
            for (String g : gens) {
                double[] v = row.values().apply(g);
                md.append(' ').append(value(v[0], row.decimals(), row.unit())).append(" | ").append(value(v[1], row.decimals(), row.unit())).append(" | ")
                        .append(v[1] == 0 || Double.isNaN(v[0] / v[1]) ? "" : fmt(v[0] / v[1], 2)).append(" |");
                met.add(row.target().met(g, v[0], v[1]));
            }
            boolean judged = met.stream().anyMatch(m -> !m.isEmpty());
            md.append(' ').append(row.target().text()).append(" | ")
                    .append(!judged ? "" : c.quick ? "not judged (smoke run)" : String.join(" / ", met.stream().map(m -> m.isEmpty() ? "-" : m).toList()))
                    .append(" |\n");
        }
    }

    private static void series(StringBuilder md, BenchMain.Config c, Results r) {
        md.append("\n## Calls series\n\n| connections | generator | server | calls/s | server CPU per call | server cores | p50 | p99 | p99.9 | errors |"
                + " generator CPU per call | generator waiting for a CPU |\n|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Results.CallPoint p : r.calls) {
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %d | %s | %s |%n", p.connections(), p.generator(), p.server(),
                    value(p.callsPerSecond(), 0, ""), value(p.serverCpuPerCallMicros(), 2, "us"), value(p.serverCores(), 2, ""),
                    value(p.p50Micros(), 0, "us"), value(p.p99Micros(), 0, "us"), value(p.p999Micros(), 0, "us"), p.errors(),
                    value(p.generatorCpuPerCallMicros(), 2, "us"), value(p.generatorWaitMillisPerSecond(), 0, "ms/s")));
        }
        md.append("\n## Fan-out series\n\n| subscribers | generator | server | warm-up rounds | p50 | max | deliveries/s | server CPU per delivery |"
                + " cores busy | generator waiting for a CPU | incomplete rounds | errors |\n|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Results.FanOutPoint p : r.fanOut) {
            md.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %d |%n", p.subscribers(), p.generator(), p.server(),
                    warmUp(p.warmupRounds(), p.warmupSteady()), value(p.p50Millis(), 2, "ms"), value(p.maxMillis(), 2, "ms"), value(p.deliveriesPerSecond(), 0, ""),
                    value(p.serverCpuPerDeliveryMicros(), 2, "us"), value(p.machineCores(), 2, ""), value(p.generatorWaitMillisPerSecond(), 0, "ms/s"),
                    p.incomplete(), p.errors()));
        }
        md.append("\n## Idle series\n\n| idle connections | generator | server | held at the end | server RSS | RSS per connection | live heap per connection |"
                + " busy p99 beside them | busy p99 without | ratio | busy errors |\n|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Results.IdlePoint p : r.idle) {
            md.append(String.format(Locale.ROOT, "| %,d | %s | %s | %,d | %s | %s | %s | %s | %s | %s | %d |%n", p.connections(), p.generator(), p.server(),
                    p.held(), value(p.rssMiB(), 1, "MiB"), value(p.rssPerConnectionKiB(), 2, "KiB"), value(p.liveHeapPerConnectionKiB(), 2, "KiB"),
                    value(p.busyP99Micros(), 0, "us"), value(p.busyP99WithoutMicros(), 0, "us"), value(p.busyP99Ratio(), 2, ""), p.busyErrors()));
        }
        md.append("\n## Heartbeats (Jetty)\n\n| idle connections | generator | ping interval | window | server CPU | CPU s per 1,000 connections per minute |"
                + " pongs | held at the end |\n|---:|---|---:|---:|---:|---:|---:|---:|\n");
        for (Results.HeartbeatPoint p : r.heartbeats) {
            md.append(String.format(Locale.ROOT, "| %,d | %s | %s | %.1f s | %.3f s | %.4f | %,d | %,d |%n", p.connections(), p.generator(),
                    p.pingIntervalMillis() == 0 ? "off" : p.pingIntervalMillis() + " ms", p.seconds(), p.serverCpuSeconds(),
                    p.cpuSecondsPerThousandPerMinute(), p.pongs(), p.held()));
        }
    }

    private static void compression(StringBuilder md, Results r, int size) {
        List<Results.CallPoint> deflate = r.calls.stream().filter(p -> p.server().equals("jetty-deflate")).toList();
        if (deflate.isEmpty()) return;
        md.append("\n## Compression\n\nSame load; both generators offer permessage-deflate as the real client does and, like it, compress only\n")
                .append("messages of 1024 bytes or more. Node declines the offer; rpcws declines it by default.\n\n")
                .append("| generator | Jetty server | deflate | calls/s | server CPU per call | latency p99 |\n|---|---|---|---:|---:|---:|\n");
        for (Results.CallPoint d : deflate) {
            for (Results.CallPoint p : List.of(r.call(d.generator(), "jetty", size).orElse(d), d)) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", p.generator(),
                        p.server().equals("jetty") ? "default" : "`--permessage-deflate`", p.deflate() ? "accepted" : "declined",
                        value(p.callsPerSecond(), 0, ""), value(p.serverCpuPerCallMicros(), 2, "us"), value(p.p99Micros(), 0, "us")));
            }
        }
    }

    /** The size targets are judged at: 10,000 where the series has it (the figure), else its largest. */
    static int judgedSize(int[] sizes) {
        if (sizes.length == 0) return -1;
        return Arrays.stream(sizes).anyMatch(s -> s == 10_000) ? 10_000 : Arrays.stream(sizes).max().getAsInt();
    }

    private static Row callRow(Results r, String figure, String unit, int decimals, Target t, int size, String other,
                               Function<Results.CallPoint, Double> f) {
        return new Row(figure, unit, decimals, t, g -> new double[] {
            r.call(g, "jetty", size).map(f).orElse(Double.NaN), r.call(g, other, size).map(f).orElse(Double.NaN)});
    }

    private static Row fanOutRow(Results r, String figure, String unit, int decimals, Target t, int size, String other,
                                 Function<Results.FanOutPoint, Double> f) {
        return new Row(figure, unit, decimals, t, g -> new double[] {
            r.fanOut(g, "jetty", size).map(f).orElse(Double.NaN), r.fanOut(g, other, size).map(f).orElse(Double.NaN)});
    }

    private static Row idleRow(Results r, String figure, String unit, int decimals, Target t, int size, Function<Results.IdlePoint, Double> f) {
        return new Row(figure, unit, decimals, t, g -> new double[] {idleValue(r, g, "jetty", size, f), idleValue(r, g, "node", size, f)});
    }

    private static double idleValue(Results r, String g, String server, int size, Function<Results.IdlePoint, Double> f) {
        Optional<Results.IdlePoint> p = r.idle(g, server, size);
        return p.map(f).orElse(Double.NaN);
    }

    /** The rounds a warm-up took, and "(not steady)" where it stopped at its bound. */
    static String warmUp(int rounds, boolean steady) {
        return steady ? Integer.toString(rounds) : rounds + " (not steady)";
    }

    static String value(double v, int decimals, String unit) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return "n/a";
        String number = String.format(Locale.ROOT, "%,." + decimals + "f", v);
        return unit.isEmpty() ? number : number + " " + unit;
    }

    private static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String machine() {
        String cpu = "?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException ignored) {
            // not Linux: the benchmark reads /proc anyway
        }
        long memGiB = Math.round(((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize() / (1024.0 * 1024 * 1024));
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + memGiB + " GiB, Linux " + System.getProperty("os.version")
                + String.format(Locale.ROOT, ", open files %,d per process (hard limit)", Proc.openFilesHardLimit());
    }

    private static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return v;
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
