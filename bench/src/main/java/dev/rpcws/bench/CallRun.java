package dev.rpcws.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.Json;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.zip.DataFormatException;

/**
 * What one window of calls measured, as both generators report it: calls answered in the window, wrong or
 * missing replies, the window's length, every call's latency in nanoseconds (an HdrHistogram with 3
 * significant digits), and the CPU the server and the generator used in it. The generator's wait is how long
 * its (event loop) thread was ready to run but had no CPU; -1 where the kernel does not report it.
 *
 * <p>On the agents' control connection the histogram travels in HdrHistogram's compressed Base64 form, which
 * the Java library and hdr-histogram-js (the ws generator) both read and write.
 */
record CallRun(long calls, long errors, double seconds, Histogram latencyNanos, long serverCpuNanos, long selfCpuNanos,
               long selfWaitNanos) {
    double callsPerSecond() { return calls / seconds; }

    double serverCpuPerCallMicros() { return serverCpuNanos / 1e3 / calls; }

    double selfCpuPerCallMicros() { return selfCpuNanos / 1e3 / calls; }

    double serverCores() { return serverCpuNanos / 1e9 / seconds; }

    double selfCores() { return selfCpuNanos / 1e9 / seconds; }

    /** Milliseconds per second the generator was ready to run but had no CPU (NaN where unknown). */
    double selfWaitMillisPerSecond() { return selfWaitNanos < 0 ? Double.NaN : selfWaitNanos / 1e6 / seconds; }

    /** The latency at percentile {@code p} (0-100) in microseconds; NaN without samples. */
    double latencyMicros(double p) {
        return latencyNanos.getTotalCount() == 0 ? Double.NaN : latencyNanos.getValueAtPercentile(p) / 1e3;
    }

    /** Several windows as one: counts, times and CPU added, latencies pooled. */
    static CallRun sum(List<CallRun> runs) {
        long calls = 0, errors = 0, server = 0, self = 0, wait = 0;
        double seconds = 0;
        Histogram latencies = new Histogram(3);
        for (CallRun r : runs) {
            calls += r.calls;
            errors += r.errors;
            seconds += r.seconds;
            server += r.serverCpuNanos;
            self += r.selfCpuNanos;
            wait = wait < 0 || r.selfWaitNanos < 0 ? -1 : wait + r.selfWaitNanos;
            latencies.add(r.latencyNanos);
        }
        return new CallRun(calls, errors, seconds, latencies, server, self, wait);
    }

    ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("calls", calls).put("errors", errors).put("seconds", seconds).put("histogram", encode(latencyNanos))
                .put("serverCpuNanos", serverCpuNanos).put("selfCpuNanos", selfCpuNanos).put("selfWaitNanos", selfWaitNanos);
        return o;
    }

    static CallRun fromJson(JsonNode o) {
        return new CallRun(o.path("calls").asLong(), o.path("errors").asLong(), o.path("seconds").asDouble(),
                decode(o.path("histogram").asText()), o.path("serverCpuNanos").asLong(), o.path("selfCpuNanos").asLong(),
                o.path("selfWaitNanos").asLong());
    }

    /** HdrHistogram's compressed form, in Base64. */
    static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n));
    }

    static Histogram decode(String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (DataFormatException | RuntimeException e) {
            throw new IllegalArgumentException("not a compressed HdrHistogram: " + base64, e);
        }
    }
}
