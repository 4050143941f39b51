package dev.rpcws.fuzz;

import dev.rpcws.server.InProcessJetty;
import dev.rpcws.testkit.ProcessServer;
import dev.rpcws.testkit.ServerUnderTest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;

/** {@code java -jar fuzz/target/rpcws-fuzz.jar --seed S --cases N}: the differential fuzzer from the command line. */
@Command(name = "rpcws-fuzz", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Sends seeded random sessions to the Jetty server and the canonical rpc-websockets 10.0.1 Server "
                + "(clients-js/reference-server.mjs) and compares every reply, event and close byte for byte.")
public final class FuzzMain implements Callable<Integer> {
    @Option(names = "--seed", description = "Seed of the sessions (default: today's date as yyyymmdd, UTC).")
    Long seed;

    @Option(names = "--cases", defaultValue = "2000", description = "Number of cases (default: ${DEFAULT-VALUE}).")
    int cases;

    @Option(names = "--first-case", defaultValue = "0", description = "Number of the first case (default: ${DEFAULT-VALUE}).")
    long firstCase;

    @Option(names = {"--max-steps", "--max-frames"}, defaultValue = "" + SessionGenerator.DEFAULT_MAX_STEPS,
            description = "Steps (frames, emits, closes) per session at most (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Option(names = "--jetty", defaultValue = "in-process",
            description = "in-process (default) or jar: server/target/rpcws-server.jar as a process.")
    String jettyMode;

    @Option(names = "--keep-going", description = "Do not stop at the first unexplained difference.")
    boolean keepGoing;

    @Option(names = "--no-shrink", description = "Report differences as found, without shrinking them (faster triage).")
    boolean noShrink;

    @Option(names = "--replay", description = "Run one session from a reproduction file and print both servers' frames.")
    Path replay;

    @Option(names = "--out", defaultValue = "target/fuzz", description = "Where reproductions are written (default: ${DEFAULT-VALUE}).")
    Path out;

    public static void main(String[] args) {
        // The fuzzer makes handlers fail on purpose; the in-process server's WARN for each would drown the report.
        System.setProperty("org.slf4j.simpleLogger.log.dev.rpcws.server", "error");
        System.exit(new CommandLine(new FuzzMain()).execute(args));
    }

    /** The seed CI adds to its fixed one: the date, so every day explores other cases and any day can be replayed. */
    public static long seedOfTheDay() {
        LocalDate d = LocalDate.now(ZoneOffset.UTC);
        return d.getYear() * 10000L + d.getMonthValue() * 100L + d.getDayOfMonth();
    }

    @Override public Integer call() throws Exception {
        ServerUnderTest jetty = "jar".equals(jettyMode) ? ProcessServer.jetty(0) : InProcessJetty.start();
        Fuzzer fuzzer = new Fuzzer(jetty, System.out).shrink(!noShrink);
        // A long run is often ended with Ctrl-C: the reference server is a process of its own and must go too.
        Thread stop = new Thread(() -> {
            Fuzzer.Report partial = fuzzer.running();
            if (partial != null) System.out.println("interrupted: " + partial.summary());
            fuzzer.close();
        }, "fuzz-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            if (replay != null) {
                Session s = Session.fromJson(Files.readString(replay, StandardCharsets.UTF_8));
                Fuzzer.Outcome o = fuzzer.compare(s);
                System.out.println("replayed seed " + s.seed() + ", case " + s.caseNumber() + ":\n" + s.describe(o.reference(), o.jetty()));
                if (o.referenceCrashed()) {
                    System.out.println("the reference crashed at step " + o.crashStep());
                    return 2;
                }
                System.out.println(o.comparison().difference == null ? "no unexplained difference; normalised " + o.comparison().fired
                        : "difference: " + o.comparison().difference.describe());
                return o.different() ? 1 : 0;
            }
            long s = seed != null ? seed : seedOfTheDay();
            Fuzzer.Report report = fuzzer.run(s, firstCase, cases, maxSteps, keepGoing, out);
            System.out.println(report.summary());
            return report.failures.isEmpty() ? 0 : 1;
        } catch (Fuzzer.Closed interrupted) {
            return 130; // the JVM is going down on a signal, which sets the status (128 + its number)
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // the hook is closing the fuzzer
            }
            fuzzer.close();
        }
    }
}
