package dev.rpcws.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.server.security.UpgradePolicy;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The server's counters, rendered in the Prometheus text format by the admin API. */
public final class Metrics {
    private final LongAdder open = new LongAdder();
    private final LongAdder opened = new LongAdder();
    private final LongAdder compressed = new LongAdder();
    private final LongAdder frames = new LongAdder();
    private final LongAdder calls = new LongAdder();
    private final Map<Integer, LongAdder> errors = new ConcurrentHashMap<>();
    private final LongAdder events = new LongAdder();
    private final LongAdder pings = new LongAdder();
    private final LongAdder pongs = new LongAdder();
    private final Map<String, LongAdder> evictions = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();
    private final Map<String, LongAdder> upgradesRefused = new ConcurrentHashMap<>();

    void connectionOpened(boolean compressedConnection) {
        open.increment();
        opened.increment();
        if (compressedConnection) compressed.increment();
    }
    void connectionClosed() { open.decrement(); }
    void frameReceived() { frames.increment(); }
    void eventDelivered() { events.increment(); }
    void pingSent() { pings.increment(); }
    void pongReceived() { pongs.increment(); }
    void evicted(String reason) { evictions.computeIfAbsent(reason, r -> new LongAdder()).increment(); }

    /** Counts a refused upgrade: at the connection limit, or by its reason ({@code origin}, {@code token}). */
    void upgradeRefused(UpgradePolicy.Refusal why) {
        if (why == UpgradePolicy.Refusal.TOO_MANY_CONNECTIONS) refused.increment();
        else upgradesRefused.computeIfAbsent(why.name().toLowerCase(Locale.ROOT), r -> new LongAdder()).increment();
    }

    /** Counts each response of a reply (one, or each element of a batch reply) as a success or an error by code. */
    void replied(JsonNode reply) {
        if (reply.isArray()) reply.forEach(this::replied);
        else if (reply.has("error")) {
            JsonNode code = reply.get("error").get("code");
            errors.computeIfAbsent(code != null && code.isInt() ? code.intValue() : 0, c -> new LongAdder()).increment();
        } else calls.increment();
    }

    public long openConnections() { return open.sum(); }

    public String prometheus() {
        StringBuilder out = new StringBuilder(1024);
        gauge(out, "rpcws_connections", "Open WebSocket connections.", open.sum());
        counter(out, "rpcws_connections_opened_total", "WebSocket connections accepted.", opened.sum());
        counter(out, "rpcws_connections_compressed_total", "WebSocket connections that negotiated permessage-deflate.", compressed.sum());
        counter(out, "rpcws_connections_refused_total", "Upgrades refused at the connection limit.", refused.sum());
        header(out, "rpcws_upgrades_refused_total", "Upgrades refused by the origin allow-list or the handshake authenticator.", "counter");
        new TreeMap<>(upgradesRefused).forEach((reason, n) -> out.append("rpcws_upgrades_refused_total{reason=\"").append(reason).append("\"} ").append(n.sum()).append('\n'));
        counter(out, "rpcws_frames_received_total", "Frames received (text and binary).", frames.sum());
        counter(out, "rpcws_calls_total", "Calls answered with a result.", calls.sum());
        header(out, "rpcws_errors_total", "Error responses sent, by JSON-RPC code (0: a bare error value).", "counter");
        new TreeMap<>(errors).forEach((code, n) -> out.append("rpcws_errors_total{code=\"").append(code).append("\"} ").append(n.sum()).append('\n'));
        counter(out, "rpcws_events_delivered_total", "Event notifications sent to subscribers.", events.sum());
        counter(out, "rpcws_pings_sent_total", "Heartbeat pings sent.", pings.sum());
        counter(out, "rpcws_pongs_received_total", "Pongs received.", pongs.sum());
        header(out, "rpcws_evictions_total", "Connections closed by the server, by reason.", "counter");
        new TreeMap<>(evictions).forEach((reason, n) -> out.append("rpcws_evictions_total{reason=\"").append(reason).append("\"} ").append(n.sum()).append('\n'));
        return out.toString();
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        header(out, name, help, "gauge");
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        header(out, name, help, "counter");
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
