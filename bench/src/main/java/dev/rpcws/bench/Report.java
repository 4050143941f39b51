package dev.rpcws.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results as Markdown: one table of figures for both servers with the ratio Jetty/Node, and the targets. */
final class Report {
    private Report() {}

    /** Which way is better for a figure, and the target on the ratio Jetty/Node if there is one. */
    private enum Better { LOWER, HIGHER, NONE }

    private record Row(String figure, double jetty, double node, String unit, Better better, double target, int decimals) {
        double ratio() { return jetty / node; }

        boolean hasTarget() { return target > 0; }

        boolean met() {
            return better == Better.LOWER ? ratio() <= target : ratio() >= target;
        }
    }

    static String markdown(BenchMain.Config config, Map<String, BenchMain.CallFigures> calls,
                           Map<String, BenchMain.ConnectionFigures> conns, Duration took) {
        BenchMain.CallFigures jc = calls.get("jetty");
        BenchMain.CallFigures nc = calls.get("node");
        BenchMain.ConnectionFigures jn = conns.get("jetty");
        BenchMain.ConnectionFigures nn = conns.get("node");
        List<Row> rows = new ArrayList<>();
        String load = config.connections + " connections x " + config.inFlight + " in flight";
        rows.add(new Row("calls/s (" + load + ")", jc.run().callsPerSecond(), nc.run().callsPerSecond(), "", Better.HIGHER, 0, 0));
        rows.add(new Row("server CPU per call", jc.cpuPerCallMicros(), nc.cpuPerCallMicros(), "us", Better.LOWER, 1.0, 2));
        rows.add(new Row("server CPU used", jc.serverCores(), nc.serverCores(), "cores", Better.NONE, 0, 2));
        rows.add(new Row("latency p50", jc.percentileMicros(0.50), nc.percentileMicros(0.50), "us", Better.LOWER, 0, 0));
        rows.add(new Row("latency p99", jc.percentileMicros(0.99), nc.percentileMicros(0.99), "us", Better.LOWER, 1.0, 0));
        rows.add(new Row("latency p99.9", jc.percentileMicros(0.999), nc.percentileMicros(0.999), "us", Better.LOWER, 0, 0));
        rows.add(new Row("call errors", jc.run().errors(), nc.run().errors(), "", Better.NONE, 0, 0));
        rows.add(new Row("server RSS after the calls", jc.rssBytes() / 1048576.0, nc.rssBytes() / 1048576.0, "MiB", Better.LOWER, 0, 1));
        rows.add(new Row("load generator CPU per call", jc.selfCpuPerCallMicros(), nc.selfCpuPerCallMicros(), "us", Better.NONE, 0, 2));
        rows.add(new Row("load generator CPU used", jc.selfCores(), nc.selfCores(), "cores", Better.NONE, 0, 2));
        rows.add(new Row("load generator waiting for a CPU", jc.selfWaitMillisPerSecond(), nc.selfWaitMillisPerSecond(), "ms/s", Better.NONE, 0, 0));
        for (int i = 0; i < jn.fanOut().size(); i++) {
            BenchMain.FanOutFigures jf = jn.fanOut().get(i);
            BenchMain.FanOutFigures nf = nn.fanOut().get(i);
            String s = String.format(Locale.ROOT, "%,d", jf.subscribers());
            boolean largest = i == jn.fanOut().size() - 1 && jf.subscribers() >= 10_000;
            rows.add(new Row("fan-out " + s + ": time until all received, p50", jf.p50Millis(), nf.p50Millis(), "ms", Better.LOWER, 0, 2));
            rows.add(new Row("fan-out " + s + ": time until all received, max", jf.maxMillis(), nf.maxMillis(), "ms", Better.LOWER, 0, 2));
            rows.add(new Row("fan-out " + s + ": deliveries/s (at p50)", jf.deliveriesPerSecond(), nf.deliveriesPerSecond(), "", Better.HIGHER, largest ? 3.0 : 0, 0));
            rows.add(new Row("fan-out " + s + ": server CPU per delivery", jf.cpuPerDeliveryMicros(), nf.cpuPerDeliveryMicros(), "us", Better.LOWER, 0, 2));
            rows.add(new Row("fan-out " + s + ": cores busy, server + load generator", jf.machineCores(), nf.machineCores(), "", Better.NONE, 0, 2));
            rows.add(new Row("fan-out " + s + ": incomplete rounds", jf.incomplete(), nf.incomplete(), "", Better.NONE, 0, 0));
        }
        String n = String.format(Locale.ROOT, "%,d", jn.connections());
        rows.add(new Row("memory per idle connection (at " + n + ")", jn.bytesPerConnection() / 1024, nn.bytesPerConnection() / 1024, "KiB", Better.LOWER, 1.0, 2));
        rows.add(new Row("server RSS with " + n + " idle connections", jn.rssAfter() / 1048576.0, nn.rssAfter() / 1048576.0, "MiB", Better.LOWER, 0, 1));
        rows.add(new Row("connection-phase errors", jn.errors(), nn.errors(), "", Better.NONE, 0, 0));

        StringBuilder md = new StringBuilder();
        md.append("# rpcws (Jetty) vs the canonical rpc-websockets Node server\n\n");
        md.append("Written by `bash bench/run.sh` on ").append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")))
                .append(" (run took ").append(took.toSeconds()).append(" s). Both servers ran on this machine in this one run, driven\n")
                .append("by the same load generator over 127.0.0.1: for calls side by side, taking turns window by window; for connections\n")
                .append("one after the other. How each figure is measured, and what limits it: bench/README.md.\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| machine | ").append(machine()).append(" |\n");
        String jar = config.jettyJar.startsWith(config.repo) ? config.repo.relativize(config.jettyJar).toString() : config.jettyJar.toString();
        String nice = config.serverNice == 0 ? "" : "nice -n " + config.serverNice + " ";
        md.append("| Jetty server | `").append(nice).append("java ").append(String.join(" ", config.jettyJvmFlags)).append(config.jettyJvmFlags.isEmpty() ? "" : " ")
                .append("-jar ").append(jar).append(" --fixture compat`, Java ")
                .append(System.getProperty("java.version")).append(" |\n");
        md.append("| Node server | `").append(nice).append("node clients-js/reference-server.mjs` (rpc-websockets 10.0.1), Node ").append(nodeVersion()).append(" |\n");
        md.append("| load | calls: ").append(load).append(" of `sum [1,2]`, ").append(config.warmup.toSeconds()).append(" s warm-up, then ")
                .append(config.windows).append(" windows of ").append(config.measure.toSeconds()).append(" s each; fan-out: ").append(config.warmupRounds).append(" warm-up + ")
                .append(config.rounds).append(" measured rounds per size; every handshake offers permessage-deflate |\n");
        md.append("| priority | ").append(config.serverNice == 0 ? "servers and load generator alike"
                : "servers " + config.serverNice + " `nice` steps below the load generator").append(" |\n\n");

        md.append("| figure | Jetty (rpcws) | Node (rpc-websockets) | Jetty/Node | target | met |\n");
        md.append("|---|---:|---:|---:|---|---|\n");
        for (Row r : rows) {
            md.append("| ").append(r.figure()).append(" | ").append(value(r.jetty(), r.decimals(), r.unit())).append(" | ")
                    .append(value(r.node(), r.decimals(), r.unit())).append(" | ")
                    .append(r.node() == 0 ? "" : String.format(Locale.ROOT, "%.2f", r.ratio())).append(" | ");
            if (r.hasTarget()) {
                md.append(r.better() == Better.LOWER ? "<= " : ">= ").append(String.format(Locale.ROOT, "%.1f", r.target())).append("x | ")
                        .append(r.met() ? "yes" : "**no**");
            } else {
                md.append(" | ");
            }
            md.append(" |\n");
        }

        BenchMain.CallFigures jd = calls.get("jetty-deflate");
        if (jd != null) {
            md.append("\n## Compression\n\n");
            md.append("Same load, same generator (it offers permessage-deflate like the real client and, like it, compresses only\n")
                    .append("messages of 1024 bytes or more). Node declines the offer; rpcws declines it by default.\n\n");
            md.append("| Jetty server | deflate | calls/s | server CPU per call | latency p99 |\n|---|---|---:|---:|---:|\n");
            md.append(deflateRow("default", jc)).append(deflateRow("`--permessage-deflate`", jd));
        }
        return md.toString();
    }

    private static String deflateRow(String name, BenchMain.CallFigures f) {
        return String.format(Locale.ROOT, "| %s | %s | %,.0f | %.2f us | %,.0f us |%n", name, f.deflate() ? "accepted" : "declined",
                f.run().callsPerSecond(), f.cpuPerCallMicros(), f.percentileMicros(0.99));
    }

    private static String value(double v, int decimals, String unit) {
        if (Double.isNaN(v)) return "n/a";
        String number = String.format(Locale.ROOT, "%,." + decimals + "f", v);
        return unit.isEmpty() ? number : number + " " + unit;
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
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + memGiB + " GiB, Linux " + System.getProperty("os.version");
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
