package dev.rpcws.features;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which scenarios apply to which client and server, and why not where they do not. The one source of truth for
 * the hook that skips them and for the matrix that shows them as "n/a" with the reason.
 */
public final class Applicability {
    private record Rule(String tag, Predicate<Run> applies, String reason) {}

    private static final Set<String> RESTORING = Set.of("java", "python");

    private static final List<Rule> RULES = List.of(
            new Rule("@server-heartbeat", r -> r.server().equals("jetty"), "the reference server never pings"),
            new Rule("@secure-server", r -> r.server().equals("jetty"),
                    "the reference server has no TLS, origin or handshake-token options of its own"),
            new Rule("@deviation-D1", r -> r.server().equals("jetty"),
                    "the reference omits result for a method that returns nothing, and every client rejects that reply as malformed (deviation D1)"),
            new Rule("@client-heartbeat", r -> RESTORING.contains(r.client()), "the npm Client never pings"),
            new Rule("@restores-state", r -> RESTORING.contains(r.client()),
                    "the npm Client neither fails pending calls nor restores login and subscriptions (its own scenario states what it does)"),
            new Rule("@node-client", r -> r.client().equals("node"), "states the npm Client's own behaviour"),
            new Rule("@pauses-client", r -> !r.client().equals("java"), "the Java SDK has no switch to stop reading its socket"));

    private Applicability() {}

    /** Why a scenario with these tags does not apply to this run, or {@code null} when it does. */
    public static String reasonNotApplicable(Collection<String> tags, Run run) {
        for (Rule rule : RULES) {
            if (tags.contains(rule.tag()) && !rule.applies().test(run)) return rule.reason();
        }
        return null;
    }
}
