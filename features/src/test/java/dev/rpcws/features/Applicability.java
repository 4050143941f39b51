package dev.rpcws.features;

import dev.rpcws.features.report.Run;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which scenarios apply to which client and server, and why not where they do not. The one source of truth for
 * the hook that skips them and for the matrix that shows them as "n/a" with the reason. A tag may have several
 * rules; the first one that does not hold gives the reason.
 */
public final class Applicability {
    private record Rule(String tag, Predicate<Run> applies, String reason) {}

    /** The Python client's blocking form (rpcws_client.sync), hosted by the same agent with --client sync. */
    private static final String PYTHON_SYNC = "python-sync";
    /** The rpcws clients: they restore login and subscriptions, fail pending calls and ping. */
    private static final Set<String> RESTORING = Set.of("java", "python", PYTHON_SYNC);
    /** The npm package's own Client: 10.0.1 in Node, 7.7.0 in Node, and the browser bundle in Chromium. */
    private static final Set<String> NPM_CLIENTS = Set.of("node", "node-legacy", "browser");
    private static final String BROWSER = "browser";

    private static final List<Rule> RULES = List.of(
            new Rule("@server-heartbeat", Applicability::jetty, "the reference server never pings"),
            new Rule("@secure-server", r -> !r.server().equals(Interop.CLUSTER),
                    "the cluster's nodes serve plain ws:// behind HAProxy, without origin or token options (in front of a cluster, TLS ends at the load balancer); these scenarios run against one Jetty server"),
            new Rule("@secure-server", Applicability::jetty,
                    "the reference server has no TLS, origin or handshake-token options of its own"),
            new Rule("@secure-server", r -> !r.client().equals(BROWSER),
                    "a web page cannot choose the CA it trusts nor set handshake headers, and its Origin is its own page's"),
            new Rule("@deviation-D1", Applicability::jetty,
                    "the reference omits result for a method that returns nothing, and every client rejects that reply as malformed (deviation D1)"),
            new Rule("@deviation-D9", r -> r.server().equals("jetty") || r.server().equals(Interop.CLUSTER),
                    "the reference sends an exception's message to the client; rpcws keeps it in its log (deviation D9)"),
            new Rule("@reference-D9", r -> r.server().equals("node"),
                    "rpcws answers \"Internal error\" instead of an exception's message (deviation D9)"),
            new Rule("@last-login-of-the-server", r -> !r.server().equals(Interop.CLUSTER),
                    "sqrt_protected answers only the connection that logged in last on its server, and each node of a cluster has its own last login (nodes share events, nothing else): two clients on two nodes both pass"),
            new Rule("@one-server", r -> !r.server().equals(Interop.CLUSTER),
                    "in a cluster the server a client is on is one node: its death and the client's return through the load balancer, on another node, are cluster.feature's (the same checks, and the move)"),
            new Rule("@signals-servers", r -> !r.server().equals(Interop.CLUSTER) || System.getProperty(ClusterServer.EXTERNAL) == null,
                    "the cluster runs in containers of its own (docker/cluster.compose.yaml): the suite cannot stop, freeze or restart its nodes or Redis (the local and container modes run this scenario)"),
            new Rule("@client-heartbeat", r -> !r.client().equals(BROWSER), "a web page cannot send WebSocket pings (browsers offer no API for them)"),
            new Rule("@client-heartbeat", r -> RESTORING.contains(r.client()), "the npm Client never pings"),
            new Rule("@restores-state", r -> RESTORING.contains(r.client()),
                    "the npm Client neither fails pending calls nor restores login and subscriptions (its own scenario states what it does)"),
            new Rule("@npm-client", r -> NPM_CLIENTS.contains(r.client()),
                    "the scenario states what the npm Client itself does after a reconnect; the rpcws clients restore their state (their own scenario)"),
            new Rule("@pauses-client", r -> !r.client().equals("java"), "the Java SDK has no switch to stop reading its socket"),
            new Rule("@pauses-client", r -> !r.client().equals(BROWSER), "a web page cannot stop reading its WebSocket"),
            new Rule("@pauses-client", r -> !r.client().equals(PYTHON_SYNC),
                    "the blocking Python client has no switch to stop reading its socket: the websockets library reads it, and answers pings, on a thread of its own"),
            new Rule("@sends-null-params", r -> r.client().equals("node-legacy"),
                    "this client leaves params out of a call without them; only rpc-websockets 7.x sends \"params\":null"),
            new Rule("@drops-binary-frames", r -> r.client().equals(BROWSER),
                    "only browsers drop binary frames; this client reads them as JSON too"));

    private Applicability() {}

    /**
     * The Cucumber tag expression of the scenarios a run executes: client or per-server scenarios, against the
     * permessage-deflate server only the features tagged {@code @also-compressed}, and the features tagged
     * {@code @cluster} against the cluster only.
     */
    public static String tags(Run run) {
        String scenarios = run.perServer() ? "@per-server" : "not @per-server";
        if (!run.server().equals(Interop.CLUSTER)) scenarios += " and not @cluster";
        return run.server().equals(Interop.JETTY_DEFLATE) ? "@also-compressed and " + scenarios : scenarios;
    }

    /** The rpcws server: alone, with compression, or as the nodes of the cluster. */
    private static boolean jetty(Run run) {
        return run.server().equals("jetty") || run.server().equals(Interop.JETTY_DEFLATE) || run.server().equals(Interop.CLUSTER);
    }

    /** Why a scenario with these tags does not apply to this run, or {@code null} when it does. */
    public static String reasonNotApplicable(Collection<String> tags, Run run) {
        for (Rule rule : RULES) {
            if (tags.contains(rule.tag()) && !rule.applies().test(run)) return rule.reason();
        }
        return null;
    }

    /** Whether this client is the npm package's Client, which reconnects but announces nothing beyond a new open. */
    public static boolean npmClient(String client) {
        return NPM_CLIENTS.contains(client);
    }
}
