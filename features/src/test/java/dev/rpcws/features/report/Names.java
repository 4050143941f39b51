package dev.rpcws.features.report;

import java.util.Map;

/** The clients and servers of the matrix as people call them, in every report. */
public final class Names {
    private static final Map<String, String> CLIENTS = Map.of(
            "java", "Java SDK",
            "node", "npm client 10.0.1",
            "node-legacy", "npm client 7.7.0 (legacy)",
            "python", "Python client",
            "python-sync", "Python client (sync)",
            "browser", "Browser (npm bundle in Chromium)",
            Run.ANY, "Server-only scenarios");
    /** The clients as the HTML matrix's narrow column headers say them; the full name is the header's tooltip. */
    private static final Map<String, String> HEADERS = Map.of(
            "java", "Java SDK",
            "node", "npm 10.0.1",
            "node-legacy", "npm 7.7.0",
            "python", "Python",
            "python-sync", "Python (sync)",
            "browser", "Browser");
    private static final Map<String, String> CLIENT_DETAILS = Map.of(
            "java", "the rpcws Java SDK (RpcClient)",
            "node", "the npm package rpc-websockets 10.0.1, its Client as published, in Node",
            "node-legacy", "the npm package rpc-websockets 7.7.0, as old @solana/web3.js installs still run it: it sends \"params\":null for calls without params",
            "python", "the rpcws Python client (rpcws_client, asyncio)",
            "python-sync", "the rpcws Python client in its blocking form (rpcws_client.sync, on the websockets library's threading client), hosted by the same agent",
            "browser", "the browser bundle of rpc-websockets 10.0.1 (what web pages load) in a page in headless Chromium",
            Run.ANY, "raw WebSocket frames and several clients at once, once per server");
    private static final Map<String, String> SERVERS = Map.of(
            "jetty", "rpcws (Jetty)",
            "jetty-deflate", "rpcws (Jetty), permessage-deflate",
            "node", "rpc-websockets 10.0.1 (Node)",
            "cluster", "rpcws cluster (3 nodes, Redis, HAProxy)");
    private static final Map<String, String> SERVER_DETAILS = Map.of(
            "jetty", "the rpcws server with the compat fixture, pinging every 250 ms",
            "jetty-deflate", "the same server with compression on (--permessage-deflate): every client that offers it talks compressed; 2 s pong timeout",
            "node", "the canonical npm rpc-websockets 10.0.1 Server with the same fixture (clients-js/reference-server.mjs)",
            "cluster", "three nodes of the rpcws server (the runnable jar, the compat fixture, pinging every 250 ms) sharing events through "
                    + "one redis-server, behind HAProxy (deploy/haproxy.cfg); the clients connect to HAProxy, and the suite emits from a node "
                    + "that holds none of the scenario's connections, so every event crosses from one node to another");

    private Names() {}

    public static String client(String id) {
        return CLIENTS.getOrDefault(id, id);
    }

    /** A client's column header: short, no word wider than a column of the HTML matrix. */
    public static String header(String id) {
        return HEADERS.getOrDefault(id, client(id));
    }

    public static String server(String id) {
        return SERVERS.getOrDefault(id, id);
    }

    public static String clientDetail(String id) {
        return CLIENT_DETAILS.getOrDefault(id, id);
    }

    public static String serverDetail(String id) {
        return SERVER_DETAILS.getOrDefault(id, id);
    }

    /** {@code Python client × rpcws (Jetty)}. */
    public static String run(Run run) {
        return client(run.client()) + " × " + server(run.server());
    }
}
