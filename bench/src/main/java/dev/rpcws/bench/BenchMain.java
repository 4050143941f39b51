package dev.rpcws.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The side-by-side benchmark: the Jetty server and the canonical Node server, one after the other in one run,
 * driven by the same {@link LoadGenerator} on 127.0.0.1. Prints one table with the ratio Jetty/Node and writes
 * it to {@code bench/results/latest.md}. Run it through {@code bash bench/run.sh}, which builds, raises the
 * file-descriptor limit and passes the Jetty server's JVM flags.
 */
public final class BenchMain {
    private BenchMain() {}

    /** Everything the run can be told; the defaults are the documented run. */
    static final class Config {
        Path repo = Path.of("").toAbsolutePath();
        Path out;
        List<String> jettyJvmFlags = new ArrayList<>();
        Path jettyJar;
        int connections = 16;
        int inFlight = 8;
        Duration warmup = Duration.ofSeconds(10);
        Duration measure = Duration.ofSeconds(4);
        int windows = 3;
        int maxSamples = 5_000_000;
        boolean deflateRun = true;
        int serverNice = 0;
        boolean callsRun = true;
        boolean connectionsRun = true;
        int idleConnections = 10_000;
        int[] fanOut = {1_000, 10_000};
        int warmupRounds = 5;
        int rounds = 20;
        String payload = "The quick brown fox jumps over the lazy dog";

        static Config parse(String[] args) {
            Config c = new Config();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--repo" -> c.repo = Path.of(args[++i]).toAbsolutePath();
                    case "--out" -> c.out = Path.of(args[++i]).toAbsolutePath();
                    case "--jetty-jar" -> c.jettyJar = Path.of(args[++i]).toAbsolutePath();
                    case "--jetty-jvm-flags" -> c.jettyJvmFlags = List.of(args[++i].trim().split("\\s+"));
                    case "--connections" -> c.connections = Integer.parseInt(args[++i]);
                    case "--in-flight" -> c.inFlight = Integer.parseInt(args[++i]);
                    case "--warmup-seconds" -> c.warmup = Duration.ofSeconds(Long.parseLong(args[++i]));
                    case "--seconds" -> c.measure = Duration.ofSeconds(Long.parseLong(args[++i]));
                    case "--windows" -> c.windows = Integer.parseInt(args[++i]);
                    case "--no-deflate-run" -> c.deflateRun = false;
                    case "--server-nice" -> c.serverNice = Integer.parseInt(args[++i]);
                    case "--only" -> {
                        String only = args[++i];
                        c.callsRun = only.equals("calls");
                        c.connectionsRun = only.equals("connections");
                        if (!c.callsRun && !c.connectionsRun) throw new IllegalArgumentException("--only calls or --only connections");
                    }
                    case "--idle-connections" -> c.idleConnections = Integer.parseInt(args[++i]);
                    case "--fan-out" -> c.fanOut = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--rounds" -> c.rounds = Integer.parseInt(args[++i]);
                    case "--quick" -> {
                        c.warmup = Duration.ofSeconds(2);
                        c.measure = Duration.ofSeconds(2);
                        c.windows = 2;
                        c.idleConnections = 2_000;
                        c.fanOut = new int[] {200, 2_000};
                        c.warmupRounds = 2;
                        c.rounds = 5;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a + " (see bench/README.md)");
                }
            }
            if (c.jettyJvmFlags.size() == 1 && c.jettyJvmFlags.get(0).isEmpty()) c.jettyJvmFlags = List.of();
            if (c.out == null) c.out = c.repo.resolve("bench/results/latest.md");
            if (c.jettyJar == null) c.jettyJar = c.repo.resolve("server/target/rpcws-server.jar");
            int maxSubscribers = Arrays.stream(c.fanOut).max().orElse(0);
            if (maxSubscribers > c.idleConnections) throw new IllegalArgumentException("--fan-out needs at most --idle-connections subscribers");
            return c;
        }
    }

    record CallFigures(LoadGenerator.CallRun run, long rssBytes, boolean deflate) {
        double cpuPerCallMicros() { return run.serverCpuNanos() / 1e3 / run.calls(); }
        double selfCpuPerCallMicros() { return run.selfCpuNanos() / 1e3 / run.calls(); }
        double selfCores() { return run.selfCpuNanos() / 1e9 / run.seconds(); }
        double serverCores() { return run.serverCpuNanos() / 1e9 / run.seconds(); }
        /** Milliseconds per second the generator was ready to run but had no CPU (NaN where unknown). */
        double selfWaitMillisPerSecond() { return run.selfWaitNanos() < 0 ? Double.NaN : run.selfWaitNanos() / 1e6 / run.seconds(); }
        double percentileMicros(double p) {
            return percentile(run.latencyNanos(), p) / 1e3;
        }
    }

    record FanOutFigures(int subscribers, double[] roundMillis, int incomplete, long serverCpuNanos, long deliveries,
                         long selfCpuNanos, long selfWaitNanos, long roundNanos) {
        /** How busy the load generator was during the rounds: near 1.0 it, not the server, set the pace. */
        double selfCores() { return (double) selfCpuNanos / roundNanos; }
        /** Server and generator together, during the rounds: near the machine's core count, the machine set the pace. */
        double machineCores() { return (double) (serverCpuNanos + selfCpuNanos) / roundNanos; }
        /** Milliseconds per second the generator was ready to run but had no CPU (NaN where unknown). */
        double selfWaitMillisPerSecond() { return selfWaitNanos < 0 ? Double.NaN : selfWaitNanos / 1e6 / (roundNanos / 1e9); }

        double p50Millis() { return roundMillis.length == 0 ? Double.NaN : roundMillis[(roundMillis.length - 1) / 2]; }
        double maxMillis() { return roundMillis.length == 0 ? Double.NaN : roundMillis[roundMillis.length - 1]; }
        double deliveriesPerSecond() { return subscribers / (p50Millis() / 1e3); }
        double cpuPerDeliveryMicros() { return serverCpuNanos / 1e3 / deliveries; }
    }

    record ConnectionFigures(int connections, long rssBefore, long rssAfter, List<FanOutFigures> fanOut, long errors) {
        double bytesPerConnection() { return (double) (rssAfter - rssBefore) / connections; }
    }

    public static void main(String[] args) throws Exception {
        Config config = Config.parse(args);
        long fds = Proc.openFilesLimit();
        if (config.connectionsRun && fds < config.idleConnections + 1_000) {
            throw new IllegalStateException("the open-files limit is " + fds + "; " + config.idleConnections
                    + " connections need more: run through bash bench/run.sh (it raises the limit) or lower --idle-connections");
        }
        Map<String, CallFigures> calls = new LinkedHashMap<>();
        Map<String, ConnectionFigures> conns = new LinkedHashMap<>();
        long started = System.nanoTime();

        // Calls first, each server fresh, one right after the other so both see the same machine.
        if (config.callsRun) {
            Map<String, Starter> starters = new LinkedHashMap<>();
            starters.put("jetty", () -> ServerProcess.jetty(config.repo, config.serverNice, config.jettyJar, config.jettyJvmFlags, List.of()));
            starters.put("node", () -> ServerProcess.node(config.repo, config.serverNice));
            if (config.deflateRun) {
                starters.put("jetty-deflate", () -> ServerProcess.jetty(config.repo, config.serverNice, config.jettyJar, config.jettyJvmFlags, List.of("--permessage-deflate")));
            }
            calls.putAll(calls(config, starters));
        }
        if (config.connectionsRun) {
            conns.put("jetty", connections(config, () -> ServerProcess.jetty(config.repo, config.serverNice, config.jettyJar, config.jettyJvmFlags, List.of())));
            conns.put("node", connections(config, () -> ServerProcess.node(config.repo, config.serverNice)));
        }
        if (!config.callsRun || !config.connectionsRun) {
            System.out.println("partial run (--only): no report written");
            return;
        }

        String report = Report.markdown(config, calls, conns, Duration.ofNanos(System.nanoTime() - started));
        System.out.println();
        System.out.println(report);
        Files.createDirectories(config.out.getParent());
        Files.writeString(config.out, report);
        System.out.println("written to " + config.repo.relativize(config.out));
    }

    interface Starter {
        ServerProcess start();
    }

    /**
     * N connections x K calls in flight of {@code sum} on each server: both servers run side by side and take
     * turns, window after window, so that a change in the machine's load hits both alike. Each window starts
     * with a second of unrecorded ramp-up; the figures add up all windows of a server.
     */
    static Map<String, CallFigures> calls(Config config, Map<String, Starter> starters) {
        Map<String, ServerProcess> servers = new LinkedHashMap<>();
        Map<String, LoadGenerator> gens = new LinkedHashMap<>();
        Map<String, List<LoadGenerator.Conn>> conns = new LinkedHashMap<>();
        Map<String, List<LoadGenerator.CallRun>> runs = new LinkedHashMap<>();
        try {
            for (var e : starters.entrySet()) {
                ServerProcess server = e.getValue().start();
                servers.put(e.getKey(), server);
                LoadGenerator gen = new LoadGenerator(server.port, "/");
                gens.put(e.getKey(), gen);
                List<LoadGenerator.Conn> open = gen.open(config.connections, 16, Duration.ofSeconds(30));
                if (open.size() < config.connections) throw new IllegalStateException("opened only " + open.size() + " connections");
                conns.put(e.getKey(), open);
                runs.put(e.getKey(), new ArrayList<>());
                log("%s (pid %d): calls, %d connections x %d in flight; permessage-deflate %s", e.getKey(), server.pid(),
                        config.connections, config.inFlight, gen.deflateAccepted() ? "accepted" : "declined");
            }
            // While one server is measured, the others rest; their generators still answer the Jetty server's pings.
            for (LoadGenerator gen : gens.values()) {
                List<LoadGenerator> resting = gens.values().stream().filter(g -> g != gen).toList();
                gen.onTick(() -> resting.forEach(LoadGenerator::service));
            }
            for (String name : servers.keySet()) {
                log("%s: %d s warm-up", name, config.warmup.toSeconds());
                gens.get(name).calls(conns.get(name), config.inFlight, config.warmup, Duration.ZERO, 1, servers.get(name)::cpuNanos);
            }
            List<String> order = new ArrayList<>(servers.keySet());
            for (int w = 0; w < config.windows; w++) {
                for (String name : order) {
                    LoadGenerator.CallRun run = gens.get(name).calls(conns.get(name), config.inFlight, Duration.ofSeconds(1),
                            config.measure, config.maxSamples, servers.get(name)::cpuNanos);
                    runs.get(name).add(run);
                    long[] sorted = run.latencyNanos().clone();
                    Arrays.sort(sorted);
                    log("%s: window %d: %.0f calls/s, %.2f us server CPU per call, p50 %.0f us, p99 %.0f us, generator %.2f cores (waited for a CPU %.0f ms/s)", name, w + 1,
                            run.callsPerSecond(), run.serverCpuNanos() / 1e3 / run.calls(), percentile(sorted, 0.50) / 1e3,
                            percentile(sorted, 0.99) / 1e3, run.selfCpuNanos() / 1e9 / run.seconds(), run.selfWaitNanos() / 1e6 / run.seconds());
                }
                java.util.Collections.reverse(order); // J N, N J, J N: neither always goes first
            }
            Map<String, CallFigures> out = new LinkedHashMap<>();
            for (String name : servers.keySet()) {
                if (!servers.get(name).isAlive()) throw new IllegalStateException(name + " server died; see target/test-logs");
                LoadGenerator.CallRun all = LoadGenerator.CallRun.sum(runs.get(name));
                Arrays.sort(all.latencyNanos());
                out.put(name, new CallFigures(all, servers.get(name).rssBytes(), gens.get(name).deflateAccepted()));
            }
            return out;
        } finally {
            gens.values().forEach(LoadGenerator::close);
            servers.values().forEach(ServerProcess::close);
        }
    }

    /** Idle connections' memory, then fan-out to growing subsets of them. */
    static ConnectionFigures connections(Config config, Starter starter) {
        try (ServerProcess server = starter.start(); LoadGenerator gen = new LoadGenerator(server.port, "/")) {
            int n = config.idleConnections;
            log("%s: %d idle connections, then fan-out to %s subscribers", server.name, n, Arrays.toString(config.fanOut));
            // Warm the server's code paths (class loading, JIT of the handshake) before the baseline reading.
            List<LoadGenerator.Conn> warm = gen.open(200, 32, Duration.ofSeconds(30));
            warm.forEach(gen::closeConnection);
            gen.idle(Duration.ofSeconds(2));
            long before = server.rssBytes();
            List<LoadGenerator.Conn> open = gen.open(n, 32, Duration.ofSeconds(120));
            if (open.size() < n) throw new IllegalStateException("opened only " + open.size() + " of " + n + " connections");
            gen.idle(Duration.ofSeconds(3));
            long after = server.rssBytes();
            log("%s: RSS %.1f MiB -> %.1f MiB with %d connections: %.0f bytes each", server.name, before / 1048576.0,
                    after / 1048576.0, n, (double) (after - before) / n);

            List<FanOutFigures> fanOut = new ArrayList<>();
            long errors = 0;
            int subscribed = 0;
            for (int s : config.fanOut) {
                errors += gen.subscribe(open.subList(subscribed, s), "newsUpdate", Duration.ofSeconds(60));
                subscribed = s;
                int round = 0;
                for (int w = 0; w < config.warmupRounds; w++) {
                    gen.idle(Duration.ofMillis(50));
                    gen.fanOutRound(server.adminPort, "newsUpdate", ++round, s, config.payload, Duration.ofSeconds(10));
                }
                List<Double> millis = new ArrayList<>();
                int incomplete = 0;
                long cpu = 0;
                long deliveries = 0;
                long selfCpu = 0;
                long selfWait = 0;
                long roundNanos = 0;
                for (int r = 0; r < config.rounds; r++) {
                    gen.idle(Duration.ofMillis(100));
                    long cpuBefore = server.cpuNanos();
                    long selfBefore = Proc.cpuNanos(Proc.self());
                    long waitBefore = Proc.threadWaitNanos();
                    long started = System.nanoTime();
                    LoadGenerator.Round result = gen.fanOutRound(server.adminPort, "newsUpdate", ++round, s, config.payload, Duration.ofSeconds(10));
                    roundNanos += System.nanoTime() - started;
                    selfCpu += Proc.cpuNanos(Proc.self()) - selfBefore;
                    long waitAfter = Proc.threadWaitNanos();
                    selfWait = selfWait < 0 || waitBefore < 0 || waitAfter < 0 ? -1 : selfWait + waitAfter - waitBefore;
                    cpu += server.cpuNanos() - cpuBefore;
                    deliveries += result.received();
                    if (result.complete()) millis.add(result.nanos() / 1e6);
                    else incomplete++;
                }
                double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                FanOutFigures f = new FanOutFigures(s, sorted, incomplete, cpu, deliveries, selfCpu, selfWait, roundNanos);
                fanOut.add(f);
                log("%s: fan-out to %d: p50 %.2f ms, max %.2f ms, %.0f deliveries/s, %.2f us server CPU per delivery, generator %.2f cores (waited for a CPU %.0f ms/s), %d incomplete rounds",
                        server.name, s, f.p50Millis(), f.maxMillis(), f.deliveriesPerSecond(), f.cpuPerDeliveryMicros(), f.selfCores(),
                        f.selfWaitMillisPerSecond(), incomplete);
            }
            errors += gen.protocolErrors() + gen.unexpectedFrames();
            if (!server.isAlive()) throw new IllegalStateException(server.name + " server died; see target/test-logs");
            return new ConnectionFigures(n, before, after, fanOut, errors);
        }
    }

    /** The p-quantile of sorted values (nearest rank), NaN when there are none. */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        return sorted[(int) Math.max(0, Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1))];
    }

    static void log(String format, Object... args) {
        System.out.printf("[%s] %s%n", ZonedDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")), String.format(format, args));
    }
}
