package dev.rpcws.bench;

import dev.rpcws.testkit.Repo;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Latencies travel from both generators as compressed HdrHistograms and are pooled over windows here; the
 * percentiles of the report come from the pooled histogram.
 */
class CallRunTest {
    private static Histogram uniform(long fromNanos, long toNanos, long step) {
        Histogram h = new Histogram(3);
        for (long v = fromNanos; v <= toNanos; v += step) h.recordValue(v);
        return h;
    }

    @Test
    void windowsArePooledAndCountsAdded() {
        CallRun a = new CallRun(1_000, 1, 2.0, uniform(1_000, 1_000_000, 1_000), 5_000_000, 7_000_000, 100);
        CallRun b = new CallRun(3_000, 0, 2.0, uniform(1_001_000, 3_000_000, 1_000), 15_000_000, 9_000_000, 300);
        CallRun all = CallRun.sum(List.of(a, b));
        assertThat(all.calls()).isEqualTo(4_000);
        assertThat(all.errors()).isEqualTo(1);
        assertThat(all.seconds()).isEqualTo(4.0);
        assertThat(all.callsPerSecond()).isEqualTo(1_000.0);
        assertThat(all.serverCpuPerCallMicros()).isEqualTo(5.0);
        assertThat(all.selfWaitNanos()).isEqualTo(400);
        assertThat(all.latencyNanos().getTotalCount()).isEqualTo(3_000);
        // 3,000 values 1 us .. 3 ms, uniform: p50 = 1.5 ms, p99 = 2.97 ms, within HdrHistogram's 3 digits
        assertThat(all.latencyMicros(50)).isCloseTo(1_500, within(1_500 * 0.001));
        assertThat(all.latencyMicros(99)).isCloseTo(2_970, within(2_970 * 0.001));
        CallRun unknownWait = new CallRun(1, 0, 1.0, new Histogram(3), 0, 0, -1);
        assertThat(CallRun.sum(List.of(a, unknownWait)).selfWaitMillisPerSecond()).as("one unknown wait makes the sum unknown").isNaN();
        assertThat(unknownWait.latencyMicros(99)).isNaN();
    }

    @Test
    void theWireFormRoundTrips() {
        CallRun run = new CallRun(2_000, 2, 1.5, uniform(10_000, 20_000_000, 10_000), 11, 22, 33);
        CallRun back = CallRun.fromJson(run.toJson());
        assertThat(back.latencyNanos()).isEqualTo(run.latencyNanos());
        assertThat(back.toJson()).isEqualTo(run.toJson());
        assertThatThrownBy(() -> CallRun.decode("bm90IGEgaGlzdG9ncmFt")).isInstanceOf(IllegalArgumentException.class);
    }

    /** The ws generator's histograms come from hdr-histogram-js: the same compressed form, read here. */
    @Test
    void aHistogramWrittenByHdrHistogramJsIsRead() throws Exception {
        String script = "import hdr from 'hdr-histogram-js';"
                + "const h = hdr.build({ bitBucketSize: 64, numberOfSignificantValueDigits: 3 });"
                + "for (let v = 1; v <= 10000; v++) h.recordValue(v * 1000);"
                + "console.log(hdr.encodeIntoCompressedBase64(h));";
        Process node = new ProcessBuilder("node", "--input-type=module", "-e", script)
                .directory(Repo.path("bench/node").toFile()).redirectErrorStream(true).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as(out).isZero();

        Histogram h = CallRun.decode(out);
        assertThat(h.getTotalCount()).isEqualTo(10_000);
        assertThat(h.getValueAtPercentile(50) / 1e3).isCloseTo(5_000, within(5.0));
        assertThat(h.getValueAtPercentile(99.9) / 1e3).isCloseTo(9_990, within(10.0));
        assertThat(h.getMaxValue() / 1e3).isCloseTo(10_000, within(10.0));
    }
}
