package dev.rpcws.bench;

import dev.rpcws.testkit.Repo;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The report judges each target under each generator on the right figures, and a smoke run judges none. */
class ReportTest {
    private static Results.CallPoint call(String generator, String server, double cpuPerCall, double p99) {
        return new Results.CallPoint(generator, server, 16, 8, false, 100_000, cpuPerCall, 0.9, 500, p99, 3_000, 0, 7, 0.8, 50, 120);
    }

    private static Results results(double jettyCpuUnderWs) {
        Results r = new Results();
        r.calls.add(call("nio", "jetty", 5.0, 2_000));
        r.calls.add(call("nio", "node", 10.0, 2_500));
        r.calls.add(call("nio", "floor", 3.0, 900));
        r.calls.add(call("ws", "jetty", jettyCpuUnderWs, 3_000));
        r.calls.add(call("ws", "node", 10.0, 2_500));
        r.calls.add(call("ws", "floor", 3.0, 900));
        return r;
    }

    private static String row(String report, String figure) {
        return report.lines().filter(l -> l.startsWith("| " + figure + " |")).findFirst().orElseThrow(() -> new AssertionError("no row " + figure));
    }

    @Test
    void eachGeneratorIsJudgedOnItsOwnRatio() {
        BenchMain.Config c = BenchMain.Config.parse(new String[] {"--repo", Repo.root().toString(), "--only", "calls"});
        String report = Report.markdown(c, results(9.0), Duration.ofSeconds(1));
        // CPU per call: nio 5/10 = 0.50 <= 0.6, ws 9/10 = 0.90 > 0.6
        assertThat(row(report, "server CPU per call")).contains("| 0.50 |").contains("| 0.90 |").endsWith("| <= 0.6x | yes / **no** |");
        // p99: nio 2000/2500 = 0.80 <= 1.0, ws 3000/2500 = 1.20
        assertThat(row(report, "latency p99")).endsWith("| <= 1.0x | yes / **no** |");
        // against the floor: nio 5/3 = 1.67 <= 2.0, ws 9/3 = 3.00
        assertThat(row(report, "server CPU per call (16 connections x 8 in flight)")).endsWith("| <= 2.0x | yes / **no** |");
        assertThat(report).doesNotContain("Smoke run");
    }

    @Test
    void aSmokeRunSaysSoAndJudgesNothing() {
        BenchMain.Config c = BenchMain.Config.parse(new String[] {"--repo", Repo.root().toString(), "--quick", "--only", "calls"});
        String report = Report.markdown(c, results(5.5), Duration.ofSeconds(1));
        assertThat(report).contains("**Smoke run (`--quick`)**");
        assertThat(row(report, "server CPU per call")).endsWith("| not judged (smoke run) |");
        assertThat(report).doesNotContain("| yes").doesNotContain("**no**");
    }

    @Test
    void targetsAreJudgedAtTenThousandWhereTheSeriesHasIt() {
        assertThat(Report.judgedSize(new int[] {1_000, 10_000, 19_000})).isEqualTo(10_000);
        assertThat(Report.judgedSize(new int[] {100, 1_000})).isEqualTo(1_000);
        assertThat(Report.judgedSize(new int[] {})).isEqualTo(-1);
    }
}
