package dev.rpcws.bench;

import dev.rpcws.protocol.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The side-by-side benchmark: the Jetty server, the canonical Node server and the floor ({@link FloorServer}) on
 * this machine in one run, driven over 127.0.0.1 by both load generators (the Java NIO one and the Node ws one,
 * each a process of its own: {@link Agent}). Three series: calls at several connection counts, fan-out at
 * several subscriber counts, idle connections at several counts (memory, heartbeats, a busy neighbour's p99).
 * Prints the report, writes it with its figures as JSON (the plots are drawn from those). Run it through
 * {@code bash bench/run.sh}, which builds, installs, raises the open-files limit and draws the plots.
 */
public final class BenchMain {
    private BenchMain() {}

    static final List<String> SERVERS = List.of("jetty", "node", "floor");
    /** The Jetty server's default ping interval (ServerOptions); the idle series runs the server with its defaults. */
    static final int DEFAULT_PING_MILLIS = 30_000;
    static final String EVENT = "newsUpdate";
    static final List<String> PARTS = List.of("calls", "fan-out", "idle", "cluster");

    /** Everything the run can be told; the defaults are the documented run. */
    static final class Config {
        Path repo = Path.of("").toAbsolutePath();
        Path out;
        boolean outGiven;
        List<String> jettyJvmFlags = new ArrayList<>();
        Path jettyJar;
        /** Another build of the Jetty server, measured beside the first in the calls series as "jetty-b" (an A/B). */
        Path compareJar;
        /** Options of the Jetty server of the calls series beside the first, as "jetty-b" (needs no --compare-jar). */
        List<String> compareArgs;
        String compareName = "jetty-b";
        List<String> callServers = SERVERS;
        List<String> fanOutServers = SERVERS;
        Path benchJar;
        List<Agent.Kind> generators = List.of(Agent.Kind.NIO, Agent.Kind.WS);
        Set<String> parts = new LinkedHashSet<>(PARTS);
        int serverNice = 0;
        boolean profile;
        boolean quick;
        String payload = "The quick brown fox jumps over the lazy dog";
        // calls
        int connections = 16;
        int inFlight = 8;
        int[] callSeries = {1, 16, 256};
        Duration warmup = Duration.ofSeconds(10);
        Duration seriesWarmup = Duration.ofSeconds(2);
        Duration ramp = Duration.ofSeconds(1);
        Duration measure = Duration.ofSeconds(4);
        int windows = 3;
        int seriesWindows = 2;
        boolean deflateRun = true;
        // fan-out
        int[] fanOut = {1_000, 10_000, 19_000};
        /** Warm-up at each count until the server's CPU per delivery is steady; a fresh JVM compiles for thousands of rounds' deliveries. */
        WarmUp.Rule warmUp = new WarmUp.Rule(5, 5, 100, 0.10);
        int rounds = 20;
        // idle
        int[] idle = {5_000, 10_000, 19_000};
        int busyConnections = 16;
        Duration settle = Duration.ofSeconds(3);
        Duration heartbeatWindow = Duration.ofSeconds(60);
        /** Short enough to show the cost in 10 s; every second, the ws holders (one thread each) could not open 19,000 on a loaded machine. */
        int shortPingMillis = 5_000;
        Duration shortHeartbeatWindow = Duration.ofSeconds(10);
        int perProcess = 15_000;
        // cluster
        int[] clusterFanOut = {3_000};
        int latencyEmits = 500;

        static Config parse(String[] args) {
            Config c = new Config();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--repo" -> c.repo = Path.of(args[++i]).toAbsolutePath();
                    case "--out" -> {
                        c.out = Path.of(args[++i]).toAbsolutePath();
                        c.outGiven = true;
                    }
                    case "--jetty-jar" -> c.jettyJar = Path.of(args[++i]).toAbsolutePath();
                    case "--compare-jar" -> c.compareJar = Path.of(args[++i]).toAbsolutePath();
                    case "--compare-name" -> c.compareName = args[++i];
                    case "--compare-args" -> c.compareArgs = List.of(args[++i].trim().split("\\s+"));
                    case "--call-servers" -> c.callServers = servers("--call-servers", args[++i]);
                    case "--fan-out-servers" -> c.fanOutServers = servers("--fan-out-servers", args[++i]);
                    case "--bench-jar" -> c.benchJar = Path.of(args[++i]).toAbsolutePath();
                    case "--jetty-jvm-flags" -> c.jettyJvmFlags = List.of(args[++i].trim().split("\\s+"));
                    case "--generator" -> {
                        String g = args[++i];
                        c.generators = g.equals("both") ? List.of(Agent.Kind.NIO, Agent.Kind.WS) : List.of(Agent.Kind.of(g));
                    }
                    case "--only" -> {
                        c.parts = new LinkedHashSet<>(List.of(args[++i].split(",")));
                        for (String p : c.parts) {
                            if (!PARTS.contains(p)) throw new IllegalArgumentException("--only " + String.join(",", PARTS) + " (any of them)");
                        }
                    }
                    case "--connections" -> c.connections = Integer.parseInt(args[++i]);
                    case "--in-flight" -> c.inFlight = Integer.parseInt(args[++i]);
                    case "--call-series" -> c.callSeries = ints(args[++i]);
                    case "--warmup-seconds" -> c.warmup = Duration.ofSeconds(Long.parseLong(args[++i]));
                    case "--seconds" -> c.measure = Duration.ofSeconds(Long.parseLong(args[++i]));
                    case "--windows" -> c.windows = Integer.parseInt(args[++i]);
                    case "--no-deflate-run" -> c.deflateRun = false;
                    case "--server-nice" -> c.serverNice = Integer.parseInt(args[++i]);
                    case "--fan-out" -> c.fanOut = ints(args[++i]);
                    case "--rounds" -> c.rounds = Integer.parseInt(args[++i]);
                    case "--idle" -> c.idle = ints(args[++i]);
                    case "--heartbeat-seconds" -> c.heartbeatWindow = Duration.ofSeconds(Long.parseLong(args[++i]));
                    case "--short-ping-ms" -> c.shortPingMillis = Integer.parseInt(args[++i]);
                    case "--per-process" -> c.perProcess = Integer.parseInt(args[++i]);
                    case "--cluster-fan-out" -> c.clusterFanOut = ints(args[++i]);
                    case "--latency-emits" -> c.latencyEmits = Integer.parseInt(args[++i]);
                    case "--profile" -> c.profile = true;
                    case "--quick" -> {
                        c.quick = true;
                        c.callSeries = new int[] {1, 16, 64};
                        c.warmup = Duration.ofMillis(1500);
                        c.seriesWarmup = Duration.ofMillis(500);
                        c.ramp = Duration.ofMillis(200);
                        c.measure = Duration.ofMillis(800);
                        c.windows = 1;
                        c.seriesWindows = 1;
                        c.fanOut = new int[] {100, 1_000};
                        c.warmUp = new WarmUp.Rule(2, 2, 6, 0.10);
                        c.rounds = 3;
                        c.idle = new int[] {500, 1_000};
                        c.settle = Duration.ofMillis(500);
                        c.heartbeatWindow = Duration.ofMillis(1500);
                        c.shortPingMillis = 500;
                        c.shortHeartbeatWindow = Duration.ofMillis(1500);
                        c.perProcess = 600; // two idle-holding processes, each from its own source address, as at full size
                        c.clusterFanOut = new int[] {300};
                        c.latencyEmits = 100;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a + " (see bench/README.md)");
                }
            }
            if (c.jettyJvmFlags.size() == 1 && c.jettyJvmFlags.get(0).isEmpty()) c.jettyJvmFlags = List.of();
            if (c.profile) {
                // JFR's samples name the code that ran, not the nearest safepoint's debug info (without it, the
                // unlocks of uncontended locks showed as LockSupport.unpark)
                c.jettyJvmFlags = new ArrayList<>(c.jettyJvmFlags);
                c.jettyJvmFlags.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints"));
            }
            if (c.out == null) c.out = c.repo.resolve(c.quick ? "bench/results/quick/quick.md" : "bench/results/latest.md");
            if (c.jettyJar == null) c.jettyJar = c.repo.resolve("server/target/rpcws-server.jar");
            if (c.benchJar == null) c.benchJar = c.repo.resolve("bench/target/rpcws-bench.jar");
            Arrays.sort(c.fanOut);
            Arrays.sort(c.idle);
            if (Arrays.stream(c.callSeries).noneMatch(n -> n == c.connections)) {
                c.callSeries = Arrays.copyOf(c.callSeries, c.callSeries.length + 1);
                c.callSeries[c.callSeries.length - 1] = c.connections;
            }
            Arrays.sort(c.callSeries);
            return c;
        }

        private static List<String> servers(String option, String list) {
            List<String> names = List.of(list.split(","));
            for (String s : names) {
                if (!SERVERS.contains(s)) throw new IllegalArgumentException(option + " " + String.join(",", SERVERS) + " (any of them)");
            }
            return names;
        }

        private static int[] ints(String list) {
            return Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        }

        int largestFanOut() { return fanOut.length == 0 ? 0 : fanOut[fanOut.length - 1]; }

        int largestIdle() { return idle.length == 0 ? 0 : idle[idle.length - 1]; }

        /** A path as the report and the log show it: relative inside the repository, absolute outside. */
        String display(Path p) {
            return p.startsWith(repo) ? repo.relativize(p).toString() : p.toString();
        }

        /** Where the profiles go: next to the report, in {@code <report name>-jfr/}. */
        Path jfrDir() {
            String name = out.getFileName().toString().replaceFirst("\\.md$", "");
            return out.resolveSibling(name + "-jfr");
        }

        /** Descriptors one process needs at most: the server holds every idle connection, a generator every subscriber. */
        int descriptorsNeeded() {
            int server = parts.contains("idle") ? largestIdle() + busyConnections + 300 : 0;
            int generator = Math.max(parts.contains("fan-out") ? largestFanOut() + 300 : 0,
                    parts.contains("cluster") ? Arrays.stream(clusterFanOut).max().orElse(0) + 300 : 0);
            return Math.max(Math.max(server, generator), parts.contains("idle") ? Math.min(perProcess, largestIdle()) + 300 : 0);
        }
    }

    public static void main(String[] args) throws Exception {
        Config config = Config.parse(args);
        long fds = Proc.openFilesLimit();
        if (fds < config.descriptorsNeeded()) {
            throw new IllegalStateException("the open-files limit is " + fds + " per process; this run needs " + config.descriptorsNeeded()
                    + " in one process (the largest idle or fan-out size): run through bash bench/run.sh (it raises the soft limit"
                    + " to the hard one) or pass smaller --idle / --fan-out sizes (bench/README.md, \"Limits\")");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(BenchMain::closeAll, "close-processes"));
        Results results = new Results();
        results.loadAtStart = Proc.loadAverage();
        long started = System.nanoTime();
        if (config.profile) Files.createDirectories(config.jfrDir());

        if (config.parts.contains("calls")) calls(config, results);
        if (config.parts.contains("fan-out")) {
            for (Agent.Kind kind : config.generators) for (String server : config.fanOutServers) fanOut(config, results, kind, server);
        }
        if (config.parts.contains("idle")) {
            for (Agent.Kind kind : config.generators) {
                for (String server : SERVERS) idle(config, results, kind, server);
                heartbeats(config, results, kind);
            }
        }
        if (config.parts.contains("cluster")) ClusterRun.run(config, results);

        String report = Report.markdown(config, results, Duration.ofNanos(System.nanoTime() - started));
        System.out.println();
        System.out.println(report);
        if (config.parts.size() < PARTS.size() && !config.outGiven) {
            System.out.println("partial run (--only): no report written unless --out names a file");
            return;
        }
        Files.createDirectories(config.out.getParent());
        Files.writeString(config.out, report);
        Path json = config.out.resolveSibling(config.out.getFileName().toString().replaceFirst("\\.md$", "") + ".json");
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("quick", config.quick);
        figures.put("generators", config.generators.stream().map(k -> k.id).toList());
        figures.put("loadAverageAtStart", results.loadAtStart);
        figures.put("loadAverageAtEnd", Proc.loadAverage());
        figures.put("calls", results.calls);
        figures.put("fanOut", results.fanOut);
        figures.put("idle", results.idle);
        figures.put("heartbeats", results.heartbeats);
        figures.put("clusterFanOut", results.clusterFanOut);
        figures.put("brokerLatency", results.brokerLatency);
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), figures);
        System.out.println("written to " + config.display(config.out));
        System.out.println("figures: " + json); // run.sh draws the plots from them
    }

    // ---- the series ----

    /** One server and one generator taking part in the calls series. */
    private record Lane(Agent agent, String server, ServerProcess process) {
        String name() { return server + " / " + agent.kind.id; }

        /** The lane's connections in its generator: one group per server and size. */
        String group(int size) { return server + "-calls-" + size; }
    }

    /**
     * The calls series: at each connection count, every server under every generator, side by side, taking
     * turns window by window (the order reverses after each window), so that a drift in the machine's load hits
     * all alike. The table's count ({@code --connections}) runs first, with the long warm-up; with
     * {@code --profile} the Jetty server records JFR over its measured windows.
     */
    static void calls(Config c, Results results) {
        Map<String, ServerProcess> servers = new LinkedHashMap<>();
        Map<Agent.Kind, Agent> agents = new LinkedHashMap<>();
        try {
            for (String name : c.callServers) servers.put(name, startServer(c, name, List.of()));
            if (c.compareJar != null || c.compareArgs != null) {
                servers.put(c.compareName, track(ServerProcess.jetty(c.repo, c.serverNice, c.compareJar != null ? c.compareJar : c.jettyJar,
                        c.jettyJvmFlags, c.compareArgs != null ? c.compareArgs : List.of())));
            }
            if (c.deflateRun) servers.put("jetty-deflate", startServer(c, "jetty", List.of("--permessage-deflate")));
            for (Agent.Kind kind : c.generators) agents.put(kind, track(Agent.start(kind, c.repo, c.benchJar.toString(), kind.id + "-calls-generator")));

            List<Integer> sizes = new ArrayList<>();
            sizes.add(c.connections);
            for (int n : c.callSeries) if (n != c.connections) sizes.add(n);
            for (int size : sizes) {
                boolean main = size == c.connections;
                List<Lane> lanes = new ArrayList<>();
                for (Agent agent : agents.values()) {
                    for (var s : servers.entrySet()) {
                        if (main || !s.getKey().equals("jetty-deflate")) lanes.add(new Lane(agent, s.getKey(), s.getValue()));
                    }
                }
                Map<Lane, Boolean> deflate = new LinkedHashMap<>();
                for (Lane l : lanes) {
                    Agent.Opened o = l.agent().open(l.group(size), l.process().port, size, null, openTimeout(size));
                    if (o.opened() < size) throw new IllegalStateException(l.name() + ": opened only " + o.opened() + " of " + size + " connections");
                    deflate.put(l, o.deflate());
                }
                log("calls: %d connections x %d in flight, %s", size, c.inFlight, lanes.stream().map(Lane::name).toList());
                for (Lane l : lanes) l.agent().calls(l.group(size), c.inFlight, main ? c.warmup : c.seriesWarmup, Duration.ZERO, l.process().pid());

                ServerProcess jetty = servers.get("jetty");
                boolean profiling = main && c.profile && jetty != null;
                if (profiling) jetty.jcmd("JFR.start", "name=bench", "settings=profile");
                Map<Lane, List<CallRun>> runs = new LinkedHashMap<>();
                List<Lane> order = new ArrayList<>(lanes);
                for (int w = 0; w < (main ? c.windows : c.seriesWindows); w++) {
                    for (Lane l : order) {
                        requireAlive(l.process());
                        CallRun run = l.agent().calls(l.group(size), c.inFlight, c.ramp, c.measure, l.process().pid());
                        runs.computeIfAbsent(l, k -> new ArrayList<>()).add(run);
                        log("%s, %d connections: window %d: %.0f calls/s, %.2f us server CPU per call, p50 %.0f us, p99 %.0f us, %d errors,"
                                + " generator %.2f cores (waited for a CPU %.0f ms/s)", l.name(), size, w + 1, run.callsPerSecond(),
                                run.serverCpuPerCallMicros(), run.latencyMicros(50), run.latencyMicros(99), run.errors(), run.selfCores(),
                                run.selfWaitMillisPerSecond());
                    }
                    Collections.reverse(order); // J N F, F N J, ...: none always goes first
                }
                if (profiling) stopRecording(c, jetty, "calls-jetty");
                for (Lane l : lanes) {
                    requireAlive(l.process());
                    CallRun all = CallRun.sum(runs.get(l));
                    results.calls.add(new Results.CallPoint(l.agent().kind.id, l.server(), size, c.inFlight, deflate.get(l),
                            all.callsPerSecond(), all.serverCpuPerCallMicros(), all.serverCores(), all.latencyMicros(50),
                            all.latencyMicros(99), all.latencyMicros(99.9), all.errors(), all.selfCpuPerCallMicros(), all.selfCores(),
                            all.selfWaitMillisPerSecond(), main ? l.process().rssBytes() / 1048576.0 : Double.NaN));
                }
                for (Lane l : lanes) l.agent().closeGroup(l.group(size));
            }
        } finally {
            agents.values().forEach(BenchMain::close);
            servers.values().forEach(BenchMain::close);
        }
    }

    /**
     * The fan-out series on a fresh server: the generator opens the largest count of connections, subscribes
     * them in growing shares, and at each count emits warm-up rounds until the server's CPU per delivery is steady
     * ({@link WarmUp}), then measured rounds 100 ms apart. With {@code --profile}, JFR of the Jetty server records the
     * largest count from the start of its warm-up: the recompilation that starting it sets off happens there.
     */
    static void fanOut(Config c, Results results, Agent.Kind kind, String serverName) {
        if (c.fanOut.length == 0) return;
        ServerProcess server = startServer(c, serverName, List.of());
        Agent agent = track(Agent.start(kind, c.repo, c.benchJar.toString(), kind.id + "-fan-out-generator"));
        try {
            int max = c.largestFanOut();
            Agent.Opened o = agent.open("subscribers", server.port, max, null, openTimeout(max));
            if (o.opened() < max) throw new IllegalStateException(serverName + ": opened only " + o.opened() + " of " + max + " connections");
            log("%s / %s: fan-out to %s subscribers", serverName, kind.id, Arrays.toString(c.fanOut));
            int round = 0;
            for (int s : c.fanOut) {
                long errorsBefore = agent.stats().errors();
                int subscribeErrors = agent.subscribe("subscribers", EVENT, s, openTimeout(s));
                boolean profiling = c.profile && serverName.equals("jetty") && s == max;
                if (profiling) server.jcmd("JFR.start", "name=bench", "settings=profile");
                WarmUp.Outcome warm = warmUp(c, agent, server.adminPort, round, server.threadsCpu());
                round += warm.rounds();
                log("%s / %s: fan-out to %d: warm-up %s", serverName, kind.id, s, warm.text());
                List<Double> millis = new ArrayList<>();
                int incomplete = 0;
                long serverCpu = 0, selfCpu = 0, selfWait = 0, elapsed = 0, deliveries = 0;
                for (int r = 0; r < c.rounds; r++) {
                    sleep(Duration.ofMillis(100));
                    FanOutRound result = agent.fanOut("subscribers", server.adminPort, EVENT, ++round, c.payload, Duration.ofSeconds(10), server.pid());
                    serverCpu += result.serverCpuNanos();
                    selfCpu += result.selfCpuNanos();
                    selfWait = selfWait < 0 || result.selfWaitNanos() < 0 ? -1 : selfWait + result.selfWaitNanos();
                    elapsed += result.elapsedNanos();
                    deliveries += result.received();
                    if (result.complete()) millis.add(result.nanos() / 1e6);
                    else incomplete++;
                }
                if (profiling) stopRecording(c, server, "fan-out-" + kind.id + "-jetty");
                double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                double p50 = sorted.length == 0 ? Double.NaN : sorted[(sorted.length - 1) / 2];
                double maxMs = sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
                long errors = subscribeErrors + agent.stats().errors() - errorsBefore;
                Results.FanOutPoint p = new Results.FanOutPoint(kind.id, serverName, s, warm.rounds(), warm.steady(), c.rounds, incomplete, p50, maxMs, s / (p50 / 1e3),
                        serverCpu / 1e3 / deliveries, (double) (serverCpu + selfCpu) / elapsed,
                        selfWait < 0 ? Double.NaN : selfWait / 1e6 / (elapsed / 1e9), errors);
                results.fanOut.add(p);
                log("%s / %s: fan-out to %d: p50 %.2f ms, max %.2f ms, %.0f deliveries/s, %.2f us server CPU per delivery, %.2f cores busy"
                        + " (server + generator), %d incomplete rounds, %d errors", serverName, kind.id, s, p.p50Millis(), p.maxMillis(),
                        p.deliveriesPerSecond(), p.serverCpuPerDeliveryMicros(), p.machineCores(), incomplete, errors);
            }
            requireAlive(server);
        } finally {
            close(agent);
            close(server);
        }
    }

    /**
     * Warm-up rounds to the group "subscribers" through the admin API at {@code adminPort}, 50 ms apart, numbered
     * after {@code lastRound}, in batches until the CPU the servers used ({@code serverCpu}, read before and after
     * each pause and round) is steady by {@code c.warmUp}. Exact CPU time ({@link Proc.ThreadsCpu}): 10 ms ticks would be
     * 2 us per delivery in 5 rounds to 1,000 subscribers, more than the tolerance.
     */
    static WarmUp.Outcome warmUp(Config c, Agent agent, int adminPort, int lastRound, LongSupplier serverCpu) {
        int[] round = {lastRound};
        return WarmUp.run(c.warmUp, rounds -> {
            long cpu = 0, pauses = 0, delivered = 0;
            for (int i = 0; i < rounds; i++) {
                long pauseStart = serverCpu.getAsLong();
                sleep(Duration.ofMillis(50));
                long roundStart = serverCpu.getAsLong();
                delivered += agent.fanOut("subscribers", adminPort, EVENT, ++round[0], c.payload, Duration.ofSeconds(10), 0).received();
                long roundEnd = serverCpu.getAsLong();
                pauses += roundStart - pauseStart;
                cpu += roundEnd - pauseStart;
            }
            return new WarmUp.Batch(cpu, pauses, delivered);
        });
    }

    /**
     * The idle series on a fresh server: the busy connections' p99 and the server's memory before any idle
     * connection, then at each count of idle connections (held by other generator processes of the same kind,
     * each from a 127.0.1.x address of its own).
     */
    static void idle(Config c, Results results, Agent.Kind kind, String serverName) {
        if (c.idle.length == 0) return;
        ServerProcess server = startServer(c, serverName, List.of());
        Agent agent = track(Agent.start(kind, c.repo, c.benchJar.toString(), kind.id + "-idle-generator"));
        Holders holders = new Holders(c, kind, server);
        try {
            // Warm the server's code paths (class loading, JIT of the handshake) before the baseline readings.
            agent.open("warm", server.port, 200, null, openTimeout(200));
            agent.closeGroup("warm");
            agent.open("busy", server.port, c.busyConnections, null, openTimeout(c.busyConnections));
            agent.calls("busy", c.inFlight, c.warmup, Duration.ZERO, server.pid());
            // At each reading: RSS, the busy window, then the live heap (its full collection stays out of the window).
            sleep(c.settle);
            long rssBefore = server.rssBytes();
            CallRun without = agent.calls("busy", c.inFlight, c.ramp, c.measure, server.pid());
            long heapBefore = server.isJava() ? server.liveHeapBytes() : -1;
            log("%s / %s: RSS %.1f MiB before idle connections; busy p99 %.0f us", serverName, kind.id, rssBefore / 1048576.0, without.latencyMicros(99));
            for (int n : c.idle) {
                holders.holdUpTo(n);
                sleep(c.settle);
                long rss = server.rssBytes();
                CallRun beside = agent.calls("busy", c.inFlight, c.ramp, c.measure, server.pid());
                long heap = server.isJava() ? server.liveHeapBytes() : -1;
                long held = holders.open();
                Results.IdlePoint p = new Results.IdlePoint(kind.id, serverName, n, rss / 1048576.0, (rss - rssBefore) / 1024.0 / n,
                        heap < 0 ? Double.NaN : (heap - heapBefore) / 1024.0 / n, c.busyConnections, beside.latencyMicros(99),
                        without.latencyMicros(99), beside.errors() + without.errors(), held);
                results.idle.add(p);
                log("%s / %s: %d idle connections (%d still open): RSS %.1f MiB, %.2f KiB each (live heap %.2f KiB each); busy p99 %.0f us"
                        + " beside them, %.0f us without", serverName, kind.id, n, held, p.rssMiB(), p.rssPerConnectionKiB(),
                        p.liveHeapPerConnectionKiB(), p.busyP99Micros(), p.busyP99WithoutMicros());
            }
            requireAlive(server);
        } finally {
            holders.close();
            close(agent);
            close(server);
        }
    }

    /**
     * What heartbeats cost the Jetty server: its CPU while the largest count of idle connections is held and
     * nothing else happens, each on a fresh server: heartbeats off (the baseline), at a short interval (to make
     * the cost visible) and at the default interval. The window starts once every connection had its first ping
     * (one interval after they opened; with {@code --quick}, after the short settle only).
     */
    static void heartbeats(Config c, Results results, Agent.Kind kind) {
        if (c.idle.length == 0) return;
        for (int interval : new int[] {0, c.shortPingMillis, DEFAULT_PING_MILLIS}) {
            ServerProcess server = startServer(c, "jetty", List.of("--ping-interval", Integer.toString(interval)));
            Holders holders = new Holders(c, kind, server);
            try {
                holders.holdUpTo(c.largestIdle());
                sleep(c.quick ? c.settle : Duration.ofMillis(Math.max(c.settle.toMillis(), interval)));
                Duration window = interval == DEFAULT_PING_MILLIS ? c.heartbeatWindow : c.shortHeartbeatWindow;
                results.heartbeats.add(heartbeat(c, kind, server, holders, interval, window));
            } finally {
                holders.close();
                close(server);
            }
        }
    }

    private static Results.HeartbeatPoint heartbeat(Config c, Agent.Kind kind, ServerProcess server, Holders holders, int interval, Duration window) {
        long pongsBefore = holders.pongs();
        long cpuBefore = server.cpuNanos();
        long started = System.nanoTime();
        sleep(window);
        long cpu = server.cpuNanos() - cpuBefore;
        double seconds = (System.nanoTime() - started) / 1e9;
        Results.HeartbeatPoint p = new Results.HeartbeatPoint(kind.id, "jetty", c.largestIdle(), interval, seconds, cpu / 1e9,
                holders.pongs() - pongsBefore, holders.open());
        log("jetty / %s: %d idle connections, ping interval %d ms: %.3f CPU s in %.0f s (%.4f CPU s per 1,000 connections per minute), %d pongs,"
                + " %d still open", kind.id, p.connections(), interval, p.serverCpuSeconds(), seconds, p.cpuSecondsPerThousandPerMinute(), p.pongs(), p.held());
        return p;
    }

    /**
     * Generator processes of one kind that hold idle connections to one server: at most {@code --per-process}
     * each (a process's open-file limit), each from a source address of its own, which gives each its own range of
     * ephemeral ports. No two holders of a run share an address (127.0.1.1, 127.0.1.2, ..., 127.0.2.1, ...): a
     * port an earlier step left in TIME_WAIT (for a minute, whichever side closed first) is never one a later
     * step needs.
     */
    private static final class Holders implements AutoCloseable {
        private static int sourcesUsed; // by the run so far; holders are started from the main thread only
        private final List<String> sources = new ArrayList<>();
        private final Config c;
        private final Agent.Kind kind;
        private final ServerProcess server;
        private final List<Agent> agents = new ArrayList<>();
        private final List<Integer> held = new ArrayList<>();

        Holders(Config c, Agent.Kind kind, ServerProcess server) {
            this.c = c;
            this.kind = kind;
            this.server = server;
        }

        /**
         * Opens idle connections up to {@code total}, as evenly over as few holders as fit, all holders at once: under a
         * short ping interval each holder's one thread answers the pings of what it holds while it opens the rest, so
         * one holder opening all would slow down as it goes.
         */
        void holdUpTo(int total) {
            int processes = (total + c.perProcess - 1) / c.perProcess;
            while (agents.size() < processes) {
                agents.add(track(Agent.start(kind, c.repo, c.benchJar.toString(), kind.id + "-idle-holder-" + (agents.size() + 1))));
                held.add(0);
                sources.add(nextSource());
            }
            int share = (total + processes - 1) / processes;
            int need = total - held.stream().mapToInt(Integer::intValue).sum();
            int[] more = new int[agents.size()];
            for (int i = 0; i < more.length && need > 0; i++) need -= more[i] = Math.min(need, Math.max(0, share - held.get(i)));
            for (int i = 0; i < more.length && need > 0; i++) { // holders that hold more than a share already leave the others more
                int k = Math.min(need, c.perProcess - held.get(i) - more[i]);
                more[i] += k;
                need -= k;
            }
            List<CompletableFuture<Agent.Opened>> opening = new ArrayList<>();
            for (int i = 0; i < more.length; i++) {
                Agent agent = agents.get(i);
                String source = sources.get(i);
                int n = more[i];
                opening.add(n == 0 ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.supplyAsync(() -> agent.open("idle", server.port, n, source, openTimeout(n))));
            }
            for (int i = 0; i < more.length; i++) {
                if (more[i] == 0) continue;
                Agent.Opened o;
                try {
                    o = opening.get(i).join();
                } catch (CompletionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : e;
                }
                if (o.opened() < more[i]) throw new IllegalStateException(server.name + ": holder " + (i + 1) + " opened only " + o.opened() + " of " + more[i]);
                held.set(i, held.get(i) + more[i]);
            }
        }

        /** 127.0.1.1 to 127.0.1.254, then 127.0.2.1, ...: all of 127.0.0.0/8 is loopback. */
        private static String nextSource() {
            int n = sourcesUsed++;
            if (n >= 254 * 254) throw new IllegalStateException("no source address left in 127.0.0.0/8 for another holder");
            return "127.0." + (1 + n / 254) + "." + (1 + n % 254);
        }

        long open() {
            return agents.stream().mapToLong(a -> a.stats().open()).sum();
        }

        long pongs() {
            return agents.stream().mapToLong(a -> a.stats().pongs()).sum();
        }

        @Override public void close() {
            agents.forEach(BenchMain::close);
        }
    }

    // ---- processes ----

    private static final Set<AutoCloseable> LIVE = ConcurrentHashMap.newKeySet();

    static <T extends AutoCloseable> T track(T process) {
        LIVE.add(process);
        return process;
    }

    static void close(AutoCloseable process) {
        long started = System.nanoTime();
        try {
            process.close();
        } catch (Exception e) {
            log("closing %s: %s", process, e);
        }
        LIVE.remove(process);
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (millis > 1_000) log("closing %s took %d ms", process, millis);
    }

    /** On the way out, also when interrupted (run.sh's time limit, Ctrl-C): no server or generator outlives the run. */
    private static void closeAll() {
        for (AutoCloseable p : List.copyOf(LIVE)) close(p);
    }

    static ServerProcess startServer(Config c, String name, List<String> jettyOptions) {
        return track(switch (name) {
            case "jetty" -> ServerProcess.jetty(c.repo, c.serverNice, c.jettyJar, c.jettyJvmFlags, jettyOptions);
            case "node" -> ServerProcess.node(c.repo, c.serverNice);
            case "floor" -> ServerProcess.floor(c.repo, c.serverNice, c.benchJar, c.jettyJvmFlags);
            default -> throw new IllegalArgumentException(name);
        });
    }

    static void requireAlive(ServerProcess server) {
        if (!server.isAlive()) throw new IllegalStateException(server + " exited before the run was over; see target/test-logs/" + server.name + "-bench-server.log");
    }

    private static void stopRecording(Config c, ServerProcess server, String name) {
        Path file = c.jfrDir().resolve(name + ".jfr");
        server.jcmd("JFR.stop", "name=bench", "filename=" + file);
        log("JFR of the %s server: %s (hot methods: java -cp %s %s %s)", server.name, c.display(file),
                c.display(c.benchJar), HotMethods.class.getName(), c.display(file));
    }

    /** Handshakes run 32 at a time; a few thousand per second here. */
    static Duration openTimeout(int connections) {
        return Duration.ofSeconds(30 + connections / 25);
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void log(String format, Object... args) {
        System.out.printf("[%s] %s%n", ZonedDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")), String.format(format, args));
    }
}
