package dev.rpcws.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every figure of one run, series by series, one point per generator, server and size. Written as JSON next to
 * the report ({@code bench/plot.py} draws the plots from it) and turned into tables by {@link Report}.
 * Times in the unit their name says; NaN where a figure does not exist (a heartbeat of the Node server).
 */
final class Results {
    /** One window set of calls: {@code connections} x {@code inFlight} calls of {@code sum} in flight. */
    record CallPoint(String generator, String server, int connections, int inFlight, boolean deflate, double callsPerSecond,
                     double serverCpuPerCallMicros, double serverCores, double p50Micros, double p99Micros, double p999Micros,
                     long errors, double generatorCpuPerCallMicros, double generatorCores, double generatorWaitMillisPerSecond,
                     double rssMiB) {}

    /**
     * Fan-out rounds to {@code subscribers}: round times, throughput and CPU; after {@code warmupRounds}, which ended
     * with the server's CPU per delivery steady ({@code warmupSteady}) or at the bound ({@link WarmUp}).
     */
    record FanOutPoint(String generator, String server, int subscribers, int warmupRounds, boolean warmupSteady, int rounds,
                       int incomplete, double p50Millis, double maxMillis, double deliveriesPerSecond, double serverCpuPerDeliveryMicros, double machineCores,
                       double generatorWaitMillisPerSecond, long errors) {}

    /**
     * {@code connections} idle connections: resident and live-heap memory per connection (growth over the
     * server's reading before them), and {@code sum} p99 on the busy connections beside them vs before them.
     */
    record IdlePoint(String generator, String server, int connections, double rssMiB, double rssPerConnectionKiB,
                     double liveHeapPerConnectionKiB, int busyConnections, double busyP99Micros, double busyP99WithoutMicros,
                     long busyErrors, long held) {
        double busyP99Ratio() { return busyP99Micros / busyP99WithoutMicros; }
    }

    /** Server CPU while {@code connections} idle connections are held, at a ping interval (0: heartbeats off). */
    record HeartbeatPoint(String generator, String server, int connections, int pingIntervalMillis, double seconds,
                          double serverCpuSeconds, long pongs, long held) {
        /** CPU seconds per 1,000 connections per minute. */
        double cpuSecondsPerThousandPerMinute() { return serverCpuSeconds / (connections / 1000.0) / (seconds / 60.0); }
    }

    /** Fan-out rounds to {@code subscribers} on one node, or spread over the nodes of a cluster ({@code setup}). */
    record ClusterFanOutPoint(String setup, int subscribers, int warmupRounds, boolean warmupSteady, int rounds, int incomplete,
                              double p50Millis, double maxMillis, double deliveriesPerSecond, long errors) {}

    /** From an emit to its delivery on the emitting node and on another node, and the difference: what the broker adds. */
    record BrokerLatency(int emits, double localP50Millis, double localP99Millis, double remoteP50Millis, double remoteP99Millis,
                         double addedP50Millis, double addedP99Millis) {}

    /** The machine's 1-minute load average when the run started (NaN unless set). */
    double loadAtStart = Double.NaN;
    final List<CallPoint> calls = new ArrayList<>();
    final List<FanOutPoint> fanOut = new ArrayList<>();
    final List<IdlePoint> idle = new ArrayList<>();
    final List<HeartbeatPoint> heartbeats = new ArrayList<>();
    final List<ClusterFanOutPoint> clusterFanOut = new ArrayList<>();
    BrokerLatency brokerLatency;

    Optional<CallPoint> call(String generator, String server, int connections) {
        return calls.stream().filter(p -> p.generator().equals(generator) && p.server().equals(server) && p.connections() == connections).findFirst();
    }

    Optional<FanOutPoint> fanOut(String generator, String server, int subscribers) {
        return fanOut.stream().filter(p -> p.generator().equals(generator) && p.server().equals(server) && p.subscribers() == subscribers).findFirst();
    }

    Optional<IdlePoint> idle(String generator, String server, int connections) {
        return idle.stream().filter(p -> p.generator().equals(generator) && p.server().equals(server) && p.connections() == connections).findFirst();
    }

    Optional<HeartbeatPoint> heartbeat(String generator, String server, int pingIntervalMillis) {
        return heartbeats.stream().filter(p -> p.generator().equals(generator) && p.server().equals(server)
                && p.pingIntervalMillis() == pingIntervalMillis).findFirst();
    }
}
