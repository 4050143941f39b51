package dev.rpcws.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * The warm-up of one fan-out count: rounds in batches until a batch is steady, at least {@code minRounds} and at
 * most {@code maxRounds} rounds. Steady: the server's CPU per delivery of the batch is within a tolerance of the
 * batch before, and the server used no more than that share of the batch's CPU in the pauses between rounds (a
 * compiler still at work uses it there too). The second half is what tells a quiet server from one whose compiler
 * keeps a core busy all along: the CPU per delivery of two such batches can agree as well (64.7 and 62.6 us in 5
 * rounds each to 1,000 subscribers of a fresh Jetty server, 14-15 us once it was quiet). A fixed number of rounds
 * left a fresh JVM compiling its delivery path through the measured rounds of the first count.
 */
final class WarmUp {
    private WarmUp() {}

    /** Rounds per batch, the bounds on all rounds, and how close two batches' CPU per delivery must be (0.10: 10%). */
    record Rule(int batch, int minRounds, int maxRounds, double tolerance) {
        Rule {
            if (batch < 1 || minRounds < 1 || maxRounds < minRounds || tolerance < 0) throw new IllegalArgumentException(toString());
        }

        String text() {
            return String.format(Locale.ROOT, "batches of %d rounds until a batch's server CPU per delivery is within %.0f%% of the batch before"
                    + " and at most %.0f%% of it falls between rounds (%d-%d rounds)", batch, tolerance * 100, tolerance * 100, minRounds, maxRounds);
        }
    }

    /** The server CPU over one batch of rounds, pauses between them included, the part of it in those pauses, and the deliveries. */
    record Batch(long serverCpuNanos, long pauseCpuNanos, long deliveries) {
        double cpuPerDeliveryMicros() { return deliveries == 0 ? Double.NaN : serverCpuNanos / 1e3 / deliveries; }

        /** The share of the batch's CPU spent between rounds. */
        double pauseShare() { return serverCpuNanos == 0 ? 0 : (double) pauseCpuNanos / serverCpuNanos; }

        String text() {
            return String.format(Locale.ROOT, "%.2f us (%.0f%% between rounds)", cpuPerDeliveryMicros(), pauseShare() * 100);
        }
    }

    /** The rounds the warm-up took, whether it ended steady (or at the bound), and its batches. */
    record Outcome(int rounds, boolean steady, List<Batch> batches) {
        String text() {
            return rounds + " rounds, " + (steady ? "steady" : "stopped at the bound, not steady") + "; server CPU per delivery by batch: "
                    + batches.stream().map(Batch::text).collect(Collectors.joining(", "));
        }
    }

    /** Whether a batch's CPU per delivery is within {@code tolerance} of the batch before it (NaN, no deliveries: never). */
    static boolean steady(double previous, double current, double tolerance) {
        return Math.abs(current - previous) <= tolerance * previous;
    }

    /** Runs batches of rounds ({@code runBatch} gets how many rounds to run) until the rule says steady or its bound is reached. */
    static Outcome run(Rule rule, IntFunction<Batch> runBatch) {
        List<Batch> batches = new ArrayList<>();
        int rounds = 0;
        while (rounds < rule.maxRounds()) {
            int n = Math.min(rule.batch(), rule.maxRounds() - rounds);
            Batch current = runBatch.apply(n);
            rounds += n;
            batches.add(current);
            if (rounds >= rule.minRounds() && batches.size() > 1 && current.pauseShare() <= rule.tolerance()
                    && steady(batches.get(batches.size() - 2).cpuPerDeliveryMicros(), current.cpuPerDeliveryMicros(), rule.tolerance())) {
                return new Outcome(rounds, true, batches);
            }
        }
        return new Outcome(rounds, false, batches);
    }
}
