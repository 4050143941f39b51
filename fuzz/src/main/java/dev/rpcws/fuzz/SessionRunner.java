package dev.rpcws.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.fuzz.Session.Binary;
import dev.rpcws.fuzz.Session.Close;
import dev.rpcws.fuzz.Session.Emit;
import dev.rpcws.fuzz.Session.Send;
import dev.rpcws.fuzz.Session.Step;
import dev.rpcws.protocol.Json;
import dev.rpcws.protocol.Wire;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.RawClient;
import dev.rpcws.testkit.ServerUnderTest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Plays a session on one server through raw WebSocket peers and records what every connection receives.
 *
 * <p>Both servers process the frames of one connection concurrently, so the runner never has two frames of
 * its own in flight on a connection, and it knows a step is over without sleeping: after each frame (and on
 * every open connection after an emit) it sends a <em>probe</em>, {@code __listMethods} with an id of its own,
 * and waits for the probe's reply; what arrived before it is the step's outcome. Both servers write an event
 * before the admin API answers. On the reference, a single request's reply is written before the probe's (its
 * handler starts first and awaits no more often), but {@code ws} may hand a batch and the probe to the server in
 * one tick, and the batch awaits once per element: after an array the reference run sends a second probe, once
 * the first is answered, which arrives in a later tick, after every microtask of the batch. The Jetty run comes
 * second and knows what the reference's connections received: where that was a frame or more it waits for as
 * many instead of probing (which also covers a stalled handler letting a probe overtake a frame, deviation D16),
 * and a last probe on every connection catches a frame beyond them.
 *
 * <p>The reference dies of an unhandled rejection only after the microtasks of the frame that caused it, so it
 * may still answer that step's probe: its run ends with one more probe, and a crash can show one step late.
 */
final class SessionRunner {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration LATE_FRAME_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(2);
    /**
     * Closes the connections of finished sessions while the next one runs: a close handshake is a round trip the
     * next session need not wait for (socket ids are unique per case, so a late close cannot touch a later case).
     */
    private static final ExecutorService CLOSER = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "fuzz-closer");
        t.setDaemon(true);
        return t;
    });

    private final ServerUnderTest server;
    private final BooleanSupplier alive;
    private final boolean reference;
    private long probes;

    /**
     * @param reference the canonical server (probes twice after an array, see above)
     * @param alive     false once the server's process has died
     */
    SessionRunner(ServerUnderTest server, boolean reference, BooleanSupplier alive) {
        this.server = server;
        this.reference = reference;
        this.alive = alive;
    }

    /** Runs {@code session}; with the reference's observation as {@code peer}, it takes the reference's counts (see above). */
    Observation run(Session session, Observation peer) {
        Observation seen = new Observation(server.name());
        int n = session.connections().size();
        List<RawClient> clients = new ArrayList<>();
        try {
            for (String target : session.connections()) {
                try {
                    clients.add(RawClient.connect(server.wsUri(target)));
                    seen.opened.add(null);
                } catch (IllegalStateException refused) {
                    clients.add(null);
                    seen.opened.add(Observation.REFUSED);
                }
            }
            for (int i = 0; i < session.steps().size(); i++) {
                List<List<String>> received = new ArrayList<>();
                for (int c = 0; c < n; c++) received.add(new ArrayList<>());
                seen.steps.add(received);
                seen.admin.add(null);
                act(session.steps().get(i), clients, received, seen, i, peer == null ? null : peer.probed(i));
                for (int c = 0; c < n; c++) {
                    if (clients.get(c) != null && isClosed(clients.get(c))) { // by the server: record how
                        drainClosed(clients.get(c), received.get(c));
                        clients.set(c, null);
                    }
                }
                int[] counts = new int[n];
                for (int c = 0; c < n; c++) counts[c] = frames(received.get(c));
                seen.probed.add(counts);
                if (died(received)) {
                    seen.crashedAt = i;
                    return seen;
                }
            }
            if (!seen.steps.isEmpty()) {
                int last = seen.steps.size() - 1;
                for (int c = 0; c < n; c++) {
                    RawClient client = clients.get(c);
                    if (client == null) continue;
                    // The last probe (see the class comment): every connection on Jetty, one on the reference.
                    probe(client, seen.steps.get(last).get(c));
                    if (isClosed(client)) {
                        drainClosed(client, seen.steps.get(last).get(c));
                        clients.set(c, null);
                    }
                    if (reference) break;
                }
                if (died(seen.steps.get(last))) seen.crashedAt = last;
            }
        } finally {
            for (RawClient c : clients) {
                if (c != null) CLOSER.execute(c::close);
            }
        }
        return seen;
    }

    /**
     * Does one step and waits for its outcome on the connections it concerns. {@code expected}: what the
     * reference's connections had received by its probes at this step, or null.
     */
    private void act(Step step, List<RawClient> clients, List<List<String>> received, Observation seen, int i, int[] expected) {
        if (step instanceof Send send) {
            RawClient c = clients.get(send.conn());
            if (c == null) return;
            List<String> into = received.get(send.conn());
            if (!send(c, send)) awaitFrames(c, into, Integer.MAX_VALUE, null, LATE_FRAME_TIMEOUT); // closed meanwhile
            else settle(c, into, expected == null ? 0 : expected[send.conn()], send.frame().text().stripLeading().startsWith("["));
        } else if (step instanceof Emit emit) {
            seen.admin.set(i, emit(emit));
            for (int c = 0; c < clients.size(); c++) {
                if (clients.get(c) == null) continue;
                settle(clients.get(c), received.get(c), expected == null ? 0 : expected[c], false);
            }
        } else {
            int conn = ((Close) step).conn();
            RawClient c = clients.get(conn);
            if (c != null) {
                c.close();
                clients.set(conn, null);
            }
        }
    }

    /**
     * Waits for a step's outcome on one connection: the {@code expected} frames the reference received, without
     * a probe; or, when it received none, until a probe is answered (twice on the reference after an array).
     */
    private void settle(RawClient c, List<String> into, int expected, boolean array) {
        if (expected > 0) {
            awaitFrames(c, into, expected, null, PROBE_TIMEOUT);
            return;
        }
        probe(c, into);
        if (reference && array && !isClosed(c)) probe(c, into);
    }

    private static boolean send(RawClient c, Send send) {
        try {
            if (send.frame() instanceof Binary b) c.sendBinary(b.payload());
            else c.send(send.frame().text());
            return true;
        } catch (RuntimeException closedMeanwhile) {
            return false;
        }
    }

    /** Sends a probe and collects frames until its reply, the connection's close, or the server's death. */
    private void probe(RawClient c, List<String> into) {
        String id = "~probe-" + (++probes);
        try {
            c.send("{\"jsonrpc\":\"2.0\",\"method\":\"" + Wire.LIST_METHODS + "\",\"id\":\"" + id + "\"}");
        } catch (RuntimeException closed) {
            awaitFrames(c, into, Integer.MAX_VALUE, null, LATE_FRAME_TIMEOUT);
            return;
        }
        awaitFrames(c, into, Integer.MAX_VALUE, id, PROBE_TIMEOUT);
    }

    /**
     * Collects frames until the probe {@code probeId} is answered (true), {@code count} frames are in (true),
     * or the connection closes, the server dies or the time is up (false).
     */
    private boolean awaitFrames(RawClient c, List<String> into, int count, String probeId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (frames(into) < count) {
            RawClient.Frame f = c.next(POLL);
            if (f != null) {
                if (probeId != null && isProbeReply(f.text(), probeId)) return true;
                into.add(f.binary() ? "<binary> " + f.text() : f.text());
                continue;
            }
            if (isClosed(c)) return false;
            if (!alive.getAsBoolean()) return false;
            if (System.nanoTime() - deadline > 0) {
                if (probeId != null) into.add("<no reply to a probe within " + timeout.toSeconds() + " s>");
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the server died during the step. A process that dies drops its sockets before it can be reaped, so
     * after an abnormal close (1006) the runner gives it a moment to be seen gone.
     */
    private boolean died(List<List<String>> received) {
        boolean abnormal = received.stream().flatMap(List::stream).anyMatch(f -> f.startsWith(Observation.CLOSE + Wire.CLOSE_ABNORMAL + " "));
        if (!abnormal) return !alive.getAsBoolean();
        try {
            Poll.until("the server process to exit", EXIT_TIMEOUT, () -> !alive.getAsBoolean());
            return true;
        } catch (AssertionError stillRunning) {
            return false; // the connection broke, the server did not
        }
    }

    /** What a connection the server closed still had queued, then its close. */
    private static void drainClosed(RawClient c, List<String> into) {
        for (RawClient.Frame rest; (rest = c.next(Duration.ZERO)) != null; ) into.add(rest.binary() ? "<binary> " + rest.text() : rest.text());
        into.add(Observation.CLOSE + c.closeCode() + " " + c.closeReason() + ">");
    }

    private static int frames(List<String> into) {
        return (int) into.stream().filter(f -> !Observation.isClose(f)).count();
    }

    private static boolean isClosed(RawClient c) {
        return c.closeCode() != -1;
    }

    private static boolean isProbeReply(String text, String id) {
        return text.startsWith("{\"jsonrpc\":\"2.0\",") && text.endsWith(",\"id\":\"" + id + "\"}");
    }

    /** The admin emit; null when the server answered 200, else its complaint. */
    private String emit(Emit emit) {
        try {
            JsonNode[] args = new JsonNode[emit.args().size()];
            for (int i = 0; i < args.length; i++) args[i] = Json.parse(emit.args().get(i));
            if (emit.namespace() == null) server.admin().emit(emit.event(), args);
            else server.admin().emitIn(emit.namespace(), emit.event(), args);
            return null;
        } catch (Json.JsonSyntaxException e) { // the project's codec cannot read it: neither server gets the emit
            return "not sent: an argument the codec cannot read: " + e.getMessage();
        } catch (IllegalStateException e) {
            java.util.regex.Matcher status = java.util.regex.Pattern.compile(" -> (\\d{3})").matcher(String.valueOf(e.getMessage()));
            return "admin API: " + (status.find() ? "HTTP " + status.group(1) : e.getMessage());
        }
    }
}
