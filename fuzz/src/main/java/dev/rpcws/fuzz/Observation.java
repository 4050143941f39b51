package dev.rpcws.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * What one server sent during a session. For each step and each connection: the frames that connection
 * received, in order, then {@code <close CODE REASON>} if the server closed it; and for each connection
 * whether it opened ({@code null}) or was {@link #REFUSED}.
 */
public final class Observation {
    /** Marks a close in a connection's list of frames; never a JSON text. */
    public static final String CLOSE = "<close ";
    /** A connection the server did not accept. */
    public static final String REFUSED = "<refused>";

    final String server;
    final List<String> opened = new ArrayList<>();
    final List<List<List<String>>> steps = new ArrayList<>();
    /** Per step: the admin API's answer to an emit when it was not 200, else null. */
    final List<String> admin = new ArrayList<>();
    /** The step during which the server process died, or -1. */
    int crashedAt = -1;
    /** Per step: how many frames each connection had received when its probe was answered. */
    final List<int[]> probed = new ArrayList<>();

    Observation(String server) {
        this.server = server;
    }

    public boolean crashed() {
        return crashedAt >= 0;
    }

    /** The counts of {@link #probed} at {@code step}, or null if the run ended before it. */
    int[] probed(int step) {
        return step < probed.size() ? probed.get(step) : null;
    }

    static boolean isClose(String frame) {
        return frame.startsWith(CLOSE);
    }
}
