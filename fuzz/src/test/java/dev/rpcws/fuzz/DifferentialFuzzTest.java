package dev.rpcws.fuzz;

import dev.rpcws.server.InProcessJetty;
import dev.rpcws.testkit.Repo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The differential fuzzer as CI runs it: a fixed seed, and a seed from the date, so that every day explores
 * other cases and any day can be run again ({@code --seed yyyymmdd}). An unexplained difference fails with its
 * shrunk, replayable reproduction; so does an input that crashes the reference without a deviation saying so.
 */
class DifferentialFuzzTest {
    static final long FIXED_SEED = 1;
    /** Per seed: with the date's seed, the 2,000 cases CI runs. */
    static final int CASES = 1000;

    private static Fuzzer fuzzer;

    @BeforeAll static void start() {
        fuzzer = new Fuzzer(InProcessJetty.start(), System.out);
    }

    @AfterAll static void stop() {
        if (fuzzer != null) fuzzer.close();
    }

    @Test void fixedSeed() {
        Fuzzer.Report report = run(FIXED_SEED);
        assertThat(report.events).as("events compared (emits that met a subscriber): a generator gap").isGreaterThanOrEqualTo(CASES / 20);
        Set<Deviation> used = EnumSet.noneOf(Deviation.class);
        used.addAll(report.normalised.keySet());
        used.addAll(report.keptApart.keySet());
        assertThat(used).as("deviations whose normaliser or rule the fixed seed never needed: a stale row, or a generator gap")
                .containsExactlyInAnyOrder(Deviation.values());
    }

    @Test void seedOfTheDay() {
        run(FuzzMain.seedOfTheDay());
    }

    private static Fuzzer.Report run(long seed) {
        Fuzzer.Report report = fuzzer.run(seed, 0, CASES, SessionGenerator.DEFAULT_MAX_STEPS, false, Repo.path("fuzz/target/fuzz"));
        System.out.println(report.summary());
        assertThat(report.cases).isEqualTo(report.failures.isEmpty() ? CASES : report.cases);
        assertThat(report.failures).as("unexplained differences (seed %d)", seed).isEmpty();
        assertThat(report.newCrashers).as("inputs that crash the reference and no deviation keeps apart (seed %d)", seed).isEmpty();
        return report;
    }
}
