package dev.rpcws.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.fuzz.Session.Send;
import dev.rpcws.fuzz.Session.Step;
import dev.rpcws.fuzz.Session.Text;
import dev.rpcws.protocol.Wire;
import dev.rpcws.testkit.ProcessServer;
import dev.rpcws.testkit.ServerUnderTest;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The differential fuzzer: runs generated sessions against the canonical npm rpc-websockets 10.0.1 Server
 * (the Node reference server, a process) and the Jetty server, compares them ({@link Comparison}), shrinks
 * any unexplained difference to a replayable reproduction, and keeps inputs that crash the reference apart.
 */
public final class Fuzzer implements AutoCloseable {
    /** Close codes the README documents for the Jetty server. */
    private static final Set<Integer> DOCUMENTED_CLOSES = Set.of(Wire.CLOSE_NORMAL, Wire.CLOSE_GOING_AWAY, Wire.CLOSE_INVALID_PAYLOAD,
            Wire.CLOSE_POLICY_VIOLATION, Wire.CLOSE_TOO_BIG);
    /** Trial runs at most, for a difference (two servers) and for a crasher (each crash restarts the reference). */
    private static final int SHRINK_BUDGET = 400;
    private static final int CRASH_SHRINK_BUDGET = 40;

    private final ServerUnderTest jetty;
    private final PrintStream log;
    private ProcessServer reference;
    private volatile boolean closed;
    /** The report of the run in progress, for a run ended by Ctrl-C. */
    private volatile Report running;
    private boolean shrink = true;

    /** @param jetty the Jetty server under test (closed with the fuzzer) */
    public Fuzzer(ServerUnderTest jetty, PrintStream log) {
        this.jetty = jetty;
        this.log = log;
        this.reference = startReference();
    }

    /** Whether differences and crashers are shrunk before they are reported (the default). */
    public Fuzzer shrink(boolean on) {
        shrink = on;
        return this;
    }

    /** Something a run found, with its (shrunk) session: print it, or replay the session with {@code --replay}. */
    public record Finding(String what, Session session, String detail, Path file) {
        @Override public String toString() {
            return what + ": seed " + session.seed() + ", case " + session.caseNumber() + " (" + session.connections().size()
                    + " connections, " + session.steps().size() + " steps)\n" + session.describe() + "  " + detail.replace("\n", "\n  ")
                    + (file == null ? "" : "\n  replay: java -jar fuzz/target/rpcws-fuzz.jar --replay " + file)
                    + "\n  session: " + session.toJson();
        }
    }

    /** What a run found. */
    public static final class Report {
        public final long seed;
        public int cases;
        public long millis;
        /** Frames compared equal (the reference's, after the normalisers), and how many of them were events. */
        public long frames;
        public long events;
        /** How often each normaliser explained something, over the cases without a difference. */
        public final Map<Deviation, Integer> normalised = new EnumMap<>(Deviation.class);
        /** How many inputs (frames, or sessions for D10) each rule kept apart. */
        public final Map<Deviation, Integer> keptApart = new EnumMap<>(Deviation.class);
        /** Unexplained differences, and kept-apart inputs the Jetty server mishandled. */
        public final List<Finding> failures = new ArrayList<>();
        /** Inputs that crashed the reference although no deviation keeps them apart. */
        public final List<Finding> newCrashers = new ArrayList<>();
        /** Differences that did not happen again when their case was run again (printed, not failed). */
        public final List<Finding> unrepeatable = new ArrayList<>();

        Report(long seed) {
            this.seed = seed;
        }

        public String summary() {
            return String.format("seed %d: %d cases in %.1f s (%.0f cases/s); %d unexplained differences, %d new reference crashers, %d unrepeatable;"
                            + " %d frames compared, %d of them events; normalised %s; kept apart %s", seed, cases, millis / 1000.0,
                    cases * 1000.0 / Math.max(1, millis), failures.size(), newCrashers.size(), unrepeatable.size(), frames, events, normalised, keptApart);
        }
    }

    /** Runs cases {@code first} to {@code first + count - 1} of {@code seed}; stops at the first failure unless {@code keepGoing}. */
    public Report run(long seed, long first, int count, int maxSteps, boolean keepGoing, Path reproductions) {
        Report report = new Report(seed);
        running = report;
        SessionGenerator generator = new SessionGenerator(seed, maxSteps);
        long start = System.nanoTime();
        for (long k = first; k < first + count; k++) {
            int failures = report.failures.size();
            fuzz(generator.session(k), report, reproductions);
            report.cases++;
            report.millis = (System.nanoTime() - start) / 1_000_000;
            if (report.failures.size() > failures && !keepGoing) break;
        }
        running = null;
        return report;
    }

    /** One case: what a deviation keeps apart against the Jetty server alone, the rest compared. */
    void fuzz(Session session, Report report, Path reproductions) {
        if (Deviation.D10.keepsApart(session)) {
            report.keptApart.merge(Deviation.D10, 1, Integer::sum);
            String problem = jettyAlone(session, false);
            if (problem == null) problem = servesStill(session);
            if (problem != null) record(report.failures, "kept-apart session mishandled by the Jetty server", session, problem, reproductions);
            return;
        }
        List<Step> compared = new ArrayList<>();
        Map<String, List<Step>> apart = new LinkedHashMap<>(); // per connection target: one Jetty-alone session each
        for (Step step : session.steps()) {
            Deviation d = step instanceof Send send ? Deviation.keepingApart(send) : null;
            if (d == null) {
                compared.add(step);
            } else {
                report.keptApart.merge(d, 1, Integer::sum);
                apart.computeIfAbsent(session.connections().get(((Send) step).conn()), t -> new ArrayList<>()).add(new Send(0, ((Send) step).frame()));
            }
        }
        if (!compareAndReport(session.withSteps(compared), report, reproductions)) return;
        for (Map.Entry<String, List<Step>> e : apart.entrySet()) {
            Session one = new Session(session.seed(), session.caseNumber(), List.of(e.getKey()), e.getValue());
            String problem = jettyAlone(one, true);
            if (problem != null) {
                record(report.failures, "kept-apart input mishandled by the Jetty server", one, problem, reproductions);
                return;
            }
        }
        String problem = apart.isEmpty() ? null : servesStill(session);
        if (problem != null) record(report.failures, "the Jetty server stopped serving after kept-apart inputs", session, problem, reproductions);
    }

    /**
     * Compares a session none of whose inputs a deviation keeps apart and reports what it found; false if that was
     * an unexplained difference. An input that kills the reference all the same is a new crasher.
     */
    boolean compareAndReport(Session s, Report report, Path reproductions) {
        Outcome outcome = compare(s);
        if (outcome.referenceCrashed) {
            newCrasher(s.withSteps(s.steps().subList(0, outcome.crashStep + 1)), report, reproductions);
        } else if (outcome.different()) {
            Comparison.Difference first = outcome.comparison.difference;
            if (!compare(s).different()) {
                record(report.unrepeatable, "unrepeatable difference (not failed)", s, first.describe(), null);
            } else {
                Session shrunk = shrink ? new Shrinker(c -> compare(c).different(), SHRINK_BUDGET).shrink(s) : s;
                Outcome again = compare(shrunk);
                record(report.failures, "unexplained difference", shrunk, (again.different() ? again.comparison.difference : first).describe(), reproductions);
                return false;
            }
        } else {
            outcome.comparison.fired.forEach((d, n) -> report.normalised.merge(d, n, Integer::sum));
            report.frames += outcome.comparison.frames;
            report.events += outcome.comparison.events;
        }
        return true;
    }

    /** The reference died on a session no deviation keeps apart: shrink it, keep it, and check the Jetty server on it. */
    private void newCrasher(Session crash, Report report, Path reproductions) {
        Session shrunk = shrink ? new Shrinker(this::crashesReference, CRASH_SHRINK_BUDGET).shrink(crash) : crash;
        String problem = jettyAlone(shrunk, false);
        if (problem == null) problem = servesStill(shrunk);
        Finding f = record(report.newCrashers, "input that crashes the reference", shrunk,
                problem == null ? "the Jetty server answered it and keeps serving" : problem, reproductions);
        if (problem != null) report.failures.add(f);
    }

    private boolean crashesReference(Session s) {
        Observation o = onReference(s);
        if (o.crashed()) restartReference();
        return o.crashed();
    }

    private Finding record(List<Finding> into, String what, Session s, String detail, Path dir) {
        Path file = null;
        if (dir != null) {
            try {
                Files.createDirectories(dir);
                file = dir.resolve("case-" + s.seed() + "-" + s.caseNumber() + ".json");
                Files.writeString(file, s.toJson() + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Finding f = new Finding(what, s, detail, file);
        into.add(f);
        log.println(f);
        return f;
    }

    /** Outcome of one comparison run, with what each server sent ({@code jetty} null when the reference crashed). */
    public record Outcome(Comparison comparison, boolean referenceCrashed, int crashStep, Observation reference, Observation jetty) {
        public boolean different() {
            return !referenceCrashed && comparison.difference != null;
        }
    }

    /**
     * Runs {@code s} on the reference, then on the Jetty server (one after the other: on a loaded machine every
     * hand-off between threads costs more than it saves), and compares; restarts a crashed reference.
     */
    public Outcome compare(Session s) {
        Observation ref = onReference(s);
        if (ref.crashed()) {
            restartReference();
            return new Outcome(null, true, ref.crashedAt, ref, null);
        }
        Observation j = onJetty(s, ref);
        return new Outcome(Comparison.of(s, ref, j), false, -1, ref, j);
    }

    /**
     * Runs a kept-apart session on the Jetty server alone: every frame it sends must be a JSON-RPC reply or an
     * event, every close documented, every probe answered, and with {@code answered} every frame sent must get
     * a reply or a close (what the reference fails to do on a crasher). Null if so, else what went wrong.
     */
    String jettyAlone(Session s, boolean answered) {
        Observation o = onJetty(s, null);
        for (int step = 0; step < o.steps.size(); step++) {
            for (List<String> frames : o.steps.get(step)) {
                for (String f : frames) {
                    if (!documented(f)) return "step " + step + ": the Jetty server sent " + f;
                }
            }
            // A connection the Jetty server refused got nothing to answer; the compared run judges the refusal (D16).
            if (answered && s.steps().get(step) instanceof Send send && o.opened.get(send.conn()) == null && o.steps.get(step).get(send.conn()).isEmpty()) {
                return "step " + step + ": the Jetty server neither answered nor closed";
            }
        }
        return null;
    }

    private Observation onReference(Session s) {
        return played(() -> new SessionRunner(reference, true, this::referenceAlive).run(s, null));
    }

    private Observation onJetty(Session s, Observation reference) {
        return played(() -> new SessionRunner(jetty, false, () -> true).run(s, reference));
    }

    /** A session's run, unless the fuzzer was closed meanwhile: what the servers did as they went away proves nothing. */
    private Observation played(Supplier<Observation> run) {
        Observation o;
        try {
            o = run.get();
        } catch (RuntimeException e) {
            if (closed) throw new Closed();
            throw e;
        }
        if (closed) throw new Closed();
        return o;
    }

    /** Thrown where a run goes on after the fuzzer was closed under it (Ctrl-C): it ends the run without a finding. */
    public static final class Closed extends RuntimeException {
        Closed() {
            super("the fuzzer was closed", null, false, false);
        }
    }

    /** Whether the Jetty server still serves a fresh connection: null if so, else what it did. */
    private String servesStill(Session after) {
        Session probe = new Session(after.seed(), after.caseNumber(), List.of("/"),
                List.of(new Send(0, new Text("{\"jsonrpc\":\"2.0\",\"method\":\"" + Wire.LIST_METHODS + "\",\"id\":1}"))));
        List<String> reply = onJetty(probe, null).steps.get(0).get(0);
        return reply.size() == 1 && reply.get(0).startsWith("{\"jsonrpc\":\"2.0\",\"result\":[") ? null
                : "a fresh connection was not served afterwards: " + reply;
    }

    private static boolean documented(String frame) {
        if (Observation.isClose(frame)) {
            return DOCUMENTED_CLOSES.contains(Integer.parseInt(frame.substring(Observation.CLOSE.length()).split(" ")[0]));
        }
        // Only the shape is judged here: a member name with a lone surrogate, which the codec cannot read (D13), may
        // be a status key of rpc.on/rpc.off, so such escapes are read as U+FFFD.
        JsonNode f = Deviation.parse(Deviation.LONE_SURROGATE_ESCAPE.matcher(frame).replaceAll("$1\\\\ufffd"));
        if (f == null) return false;
        if (f.isObject() && f.has("notification")) return f.get("notification").isTextual() && (f.path("params").isArray() || f.path("params").isObject());
        if (f.isArray()) {
            if (f.isEmpty()) return false;
            for (JsonNode e : f) {
                if (!isReply(e)) return false;
            }
            return true;
        }
        return isReply(f);
    }

    private static boolean isReply(JsonNode m) {
        return m.isObject() && "2.0".equals(m.path("jsonrpc").textValue()) && m.has("id") && (m.has("result") != m.has("error")) && m.size() == 3;
    }

    // ---- the reference server process ----

    private static ProcessServer startReference() {
        return ProcessServer.node(0);
    }

    /** Synchronized with {@link #close}: a fuzzer closed while a case runs (Ctrl-C) starts no reference again. */
    private synchronized void restartReference() {
        reference.close();
        if (closed) throw new Closed();
        reference = startReference();
    }

    /** What the run in progress has done so far, or null when none runs. */
    public Report running() {
        return running;
    }

    private boolean referenceAlive() {
        return reference.process().isAlive();
    }

    @Override public synchronized void close() {
        if (closed) return;
        closed = true;
        reference.close();
        jetty.close();
    }
}
