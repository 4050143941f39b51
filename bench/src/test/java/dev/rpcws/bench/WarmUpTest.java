package dev.rpcws.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fan-out warm-up runs batches until two in a row cost the same per delivery and the server is quiet between
 * rounds, within its bounds.
 */
class WarmUpTest {
    private static final WarmUp.Rule RULE = new WarmUp.Rule(5, 5, 100, 0.10);

    /** A batch of {@code rounds} rounds to 1,000 subscribers at {@code micros} per delivery, {@code pauseShare} of it between rounds. */
    private static WarmUp.Batch batch(int rounds, double micros, double pauseShare) {
        long deliveries = 1_000L * rounds;
        long cpu = Math.round(micros * 1e3 * deliveries);
        return new WarmUp.Batch(cpu, Math.round(cpu * pauseShare), deliveries);
    }

    /** A server whose batches cost {@code micros} per delivery in turn (the last one repeated), 5% of it between rounds. */
    private static WarmUp.Outcome warmUp(WarmUp.Rule rule, List<Integer> batchSizes, double... micros) {
        return WarmUp.run(rule, rounds -> {
            batchSizes.add(rounds);
            return batch(rounds, micros[Math.min(batchSizes.size(), micros.length) - 1], 0.05);
        });
    }

    private static List<Double> micros(WarmUp.Outcome o) {
        return o.batches().stream().map(WarmUp.Batch::cpuPerDeliveryMicros).toList();
    }

    @Test
    void endsAtTheFirstBatchWithinTheToleranceOfTheOneBefore() {
        List<Integer> sizes = new ArrayList<>();
        // compiling: 30, 22 (27% less), 16.5 (25% less), then 15.5 (6% less: steady)
        WarmUp.Outcome o = warmUp(RULE, sizes, 30, 22, 16.5, 15.5, 15);
        assertThat(o.steady()).isTrue();
        assertThat(o.rounds()).isEqualTo(20);
        assertThat(sizes).containsExactly(5, 5, 5, 5);
        assertThat(micros(o)).containsExactly(30.0, 22.0, 16.5, 15.5);
        assertThat(o.text()).startsWith("20 rounds, steady; server CPU per delivery by batch: 30.00 us (5% between rounds), 22.00 us");
    }

    @Test
    void aRiseBeyondTheToleranceIsNotSteadyEither() {
        WarmUp.Outcome o = warmUp(RULE, new ArrayList<>(), 15, 20, 19);
        assertThat(o.steady()).isTrue();
        assertThat(o.rounds()).isEqualTo(15);
    }

    @Test
    void aCompilerBusyAllAlongIsNotSteadyThoughItsBatchesAgree() {
        // a compiler on a core of its own: 64.7 and 62.6 us per delivery, 40% of it between rounds; then quiet
        double[][] batches = {{64.7, 0.40}, {62.6, 0.40}, {30, 0.15}, {15.2, 0.11}, {14.6, 0.10}};
        int[] next = {0};
        WarmUp.Outcome o = WarmUp.run(RULE, rounds -> {
            double[] b = batches[Math.min(next[0]++, batches.length - 1)];
            return batch(rounds, b[0], b[1]);
        });
        assertThat(o.steady()).isTrue();
        assertThat(o.rounds()).as("the 4th batch agrees with the 3rd but 11 percent of it falls between rounds").isEqualTo(25);
        assertThat(micros(o)).containsExactly(64.7, 62.6, 30.0, 15.2, 14.6);
    }

    @Test
    void stopsAtItsBoundWhenNeverSteady() {
        List<Integer> sizes = new ArrayList<>();
        double[] alternating = new double[40];
        for (int i = 0; i < alternating.length; i++) alternating[i] = i % 2 == 0 ? 10 : 20;
        WarmUp.Outcome o = warmUp(new WarmUp.Rule(5, 5, 23, 0.10), sizes, alternating);
        assertThat(o.steady()).isFalse();
        assertThat(o.rounds()).isEqualTo(23);
        assertThat(sizes).containsExactly(5, 5, 5, 5, 3); // the last batch only up to the bound
        assertThat(o.text()).startsWith("23 rounds, stopped at the bound, not steady");
    }

    @Test
    void runsAtLeastTheMinimumEvenWhenSteadyAtOnce() {
        WarmUp.Outcome o = warmUp(new WarmUp.Rule(2, 8, 20, 0.10), new ArrayList<>(), 12);
        assertThat(o.steady()).isTrue();
        assertThat(o.rounds()).isEqualTo(8);
    }

    @Test
    void aBatchWithoutDeliveriesIsNeverSteady() {
        assertThat(WarmUp.steady(Double.NaN, Double.NaN, 0.1)).isFalse();
        assertThat(WarmUp.steady(12, new WarmUp.Batch(1_000, 0, 0).cpuPerDeliveryMicros(), 0.1)).isFalse();
        assertThat(WarmUp.steady(10, 11, 0.1)).isTrue();
        assertThat(WarmUp.steady(10, 11.01, 0.1)).isFalse();
        assertThat(WarmUp.steady(10, 8.99, 0.1)).isFalse();
    }
}
