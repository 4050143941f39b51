package dev.rpcws.fuzz;

import dev.rpcws.fuzz.Session.Batch;
import dev.rpcws.fuzz.Session.Close;
import dev.rpcws.fuzz.Session.Emit;
import dev.rpcws.fuzz.Session.Send;
import dev.rpcws.fuzz.Session.Step;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Shrinks a failing session by greedy delta debugging: it tries to drop connections, runs of steps, batch
 * elements, emit arguments and connection queries, keeps every cut after which the failure persists, and
 * starts over until no cut helps or the budget of trial runs is spent.
 *
 * <p>Why not a property-testing library's shrinking: a failure here is a whole session replayed over sockets
 * against two servers, found by the command-line fuzzer as well as by JUnit; shrinking the session itself
 * keeps one representation for generation, shrinking, printing and {@code --replay}.
 */
final class Shrinker {
    private final Predicate<Session> fails;
    private int budget;
    private int trials;

    /** @param budget trial runs at most */
    Shrinker(Predicate<Session> fails, int budget) {
        this.fails = fails;
        this.budget = budget;
    }

    int trials() {
        return trials;
    }

    Session shrink(Session session) {
        Session best = session;
        boolean progress = true;
        while (progress && budget > 0) {
            progress = false;
            for (Session candidate : candidates(best)) {
                if (budget <= 0) break;
                budget--;
                trials++;
                if (fails.test(candidate)) {
                    best = candidate;
                    progress = true;
                    break;
                }
            }
        }
        return best;
    }

    /** Smaller variants of {@code s}, the biggest cuts first. */
    static List<Session> candidates(Session s) {
        List<Session> out = new ArrayList<>();
        for (int c = s.connections().size() - 1; c >= 0 && s.connections().size() > 1; c--) out.add(withoutConnection(s, c));
        List<Step> steps = s.steps();
        for (int chunk = Math.max(1, steps.size() / 2); chunk >= 1; chunk /= 2) {
            for (int from = 0; from < steps.size(); from += chunk) {
                List<Step> fewer = new ArrayList<>(steps.subList(0, from));
                fewer.addAll(steps.subList(Math.min(steps.size(), from + chunk), steps.size()));
                out.add(s.withSteps(fewer));
            }
            if (chunk == 1) break;
        }
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            if (step instanceof Send send && send.frame() instanceof Batch b) {
                for (int e = 0; e < b.elements().size(); e++) {
                    List<String> elements = new ArrayList<>(b.elements());
                    elements.remove(e);
                    out.add(replace(s, i, new Send(send.conn(), new Batch(elements))));
                }
            } else if (step instanceof Emit emit) {
                for (int a = 0; a < emit.args().size(); a++) {
                    List<String> args = new ArrayList<>(emit.args());
                    args.remove(a);
                    out.add(replace(s, i, new Emit(emit.namespace(), emit.event(), args)));
                }
            }
        }
        for (int c = 0; c < s.connections().size(); c++) {
            String target = s.connections().get(c);
            if (target.contains("?")) {
                List<String> conns = new ArrayList<>(s.connections());
                conns.set(c, target.substring(0, target.indexOf('?')));
                out.add(new Session(s.seed(), s.caseNumber(), conns, steps));
            }
        }
        return out;
    }

    private static Session replace(Session s, int index, Step step) {
        List<Step> steps = new ArrayList<>(s.steps());
        steps.set(index, step);
        return s.withSteps(steps);
    }

    private static Session withoutConnection(Session s, int gone) {
        List<String> conns = new ArrayList<>(s.connections());
        conns.remove(gone);
        List<Step> steps = new ArrayList<>();
        for (Step step : s.steps()) {
            if (step instanceof Send send) {
                if (send.conn() != gone) steps.add(new Send(renumber(send.conn(), gone), send.frame()));
            } else if (step instanceof Close close) {
                if (close.conn() != gone) steps.add(new Close(renumber(close.conn(), gone)));
            } else {
                steps.add(step);
            }
        }
        return new Session(s.seed(), s.caseNumber(), conns, steps);
    }

    private static int renumber(int conn, int gone) {
        return conn > gone ? conn - 1 : conn;
    }
}
