package dev.rpcws.server;

import dev.rpcws.protocol.RequestProcessor;
import dev.rpcws.protocol.Wire;
import dev.rpcws.server.cluster.BrokerAddress;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Everything configurable about a server. The builder holds every default once, and the CLI shows and uses
 * the same ones. Limits the reference lacks (heartbeat, queue bounds, batch length) are on by default with
 * generous values; each outcome is documented in the README's limits table. Every value is checked here, and an
 * {@link IllegalArgumentException} names the setting as the CLI's --help does.
 *
 * @param host interface of the WebSocket connector
 * @param port WebSocket port, 0 to 65535; 0 picks a free one
 * @param adminHost interface of the admin HTTP API
 * @param adminPort admin HTTP API port, -1 (off) to 65535; 0 picks a free one
 * @param pingInterval server ping interval; zero disables the heartbeat
 * @param pongTimeout silence after a ping that evicts the peer (1001); positive while pings are on
 * @param idleTimeout idle time that closes a connection; zero: never
 * @param maxMessageBytes larger messages close the connection with 1009
 * @param maxBatch longer batches get one -32600 error
 * @param maxQueuedBytes unsent output past which a peer is evicted (1008)
 * @param maxInFlight unanswered messages per connection before its reads pause
 * @param maxConnections further upgrades get HTTP 503; zero: unlimited
 * @param perMessageDeflate whether permessage-deflate is accepted
 * @param tls a {@code wss://} connector beside the plain one, or null
 * @param allowedOrigins origins allowed to upgrade; empty: any
 * @param allowMissingOrigin with an allow-list, whether upgrades without an Origin header pass
 * @param maxFailedLogins failed {@code rpc.login} attempts before the connection is closed (1008); zero: unlimited
 * @param adminToken bearer token the admin API requires (all but /health), or null
 */
public record ServerOptions(
        String host,
        int port,
        String adminHost,
        int adminPort,
        Duration pingInterval,
        Duration pongTimeout,
        Duration idleTimeout,
        long maxMessageBytes,
        int maxBatch,
        long maxQueuedBytes,
        int maxInFlight,
        int maxConnections,
        boolean perMessageDeflate,
        Tls tls,
        List<String> allowedOrigins,
        boolean allowMissingOrigin,
        int maxFailedLogins,
        String adminToken,
        BrokerAddress broker,
        String nodeId,
        Duration drainWindow) {

    /**
     * A TLS connector beside the plain one: a PKCS12 (or JKS) key store with the server's key and certificate.
     *
     * @param port its port, 0 to 65535; 0 picks a free one
     * @param keyStore the key store file
     * @param password the key store's password (also the key's)
     * @param type {@code PKCS12} or {@code JKS}
     */
    public record Tls(int port, Path keyStore, String password, String type) {
        /**
         * Checks that nothing is missing.
         *
         * @param port its port, 0 to 65535; 0 picks a free one
         * @param keyStore the key store file
         * @param password the key store's password (also the key's)
         * @param type {@code PKCS12} or {@code JKS}
         */
        public Tls {
            Objects.requireNonNull(keyStore, "keyStore");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(type, "type");
        }
    }

    /**
     * Checks every value (see above).
     *
     * @param host interface of the WebSocket connector
     * @param port WebSocket port, 0 to 65535; 0 picks a free one
     * @param adminHost interface of the admin HTTP API
     * @param adminPort admin HTTP API port, -1 (off) to 65535; 0 picks a free one
     * @param pingInterval server ping interval; zero disables the heartbeat
     * @param pongTimeout silence after a ping that evicts the peer (1001); positive while pings are on
     * @param idleTimeout idle time that closes a connection; zero: never
     * @param maxMessageBytes larger messages close the connection with 1009
     * @param maxBatch longer batches get one -32600 error
     * @param maxQueuedBytes unsent output past which a peer is evicted (1008)
     * @param maxInFlight unanswered messages per connection before its reads pause
     * @param maxConnections further upgrades get HTTP 503; zero: unlimited
     * @param perMessageDeflate whether permessage-deflate is accepted
     * @param tls a {@code wss://} connector beside the plain one, or null
     * @param allowedOrigins origins allowed to upgrade; empty: any
     * @param allowMissingOrigin with an allow-list, whether upgrades without an Origin header pass
     * @param maxFailedLogins failed {@code rpc.login} attempts before the connection is closed (1008); zero: unlimited
     * @param adminToken bearer token the admin API requires (all but /health), or null
     * @param broker Redis for events across nodes, or null: one node, no broker
     * @param nodeId this node's id in /health, metrics, logs and the broker's messages
     * @param drainWindow how long a drain spreads the closing of open connections over
     */
    public ServerOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(adminHost, "adminHost");
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(pongTimeout, "pongTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        requireRange("port", port, 0, MAX_PORT);
        requireRange("admin port", adminPort, -1, MAX_PORT);
        if (tls != null) requireRange("TLS port", tls.port(), 0, MAX_PORT);
        requireNotNegative("ping interval", pingInterval);
        requireNotNegative("pong timeout", pongTimeout);
        if (!pingInterval.isZero() && pongTimeout.isZero()) throw new IllegalArgumentException("pong timeout must be positive while pings are on");
        requireNotNegative("idle timeout", idleTimeout);
        requireRange("max message size", maxMessageBytes, 1, Long.MAX_VALUE);
        requireRange("max batch", maxBatch, 1, Integer.MAX_VALUE);
        requireRange("max queued bytes", maxQueuedBytes, 1, Long.MAX_VALUE);
        requireRange("max in flight", maxInFlight, 1, Integer.MAX_VALUE);
        requireRange("max connections", maxConnections, 0, Integer.MAX_VALUE);
        requireRange("max failed logins", maxFailedLogins, 0, Integer.MAX_VALUE);
        allowedOrigins = List.copyOf(allowedOrigins);
        Objects.requireNonNull(nodeId, "nodeId");
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("node id must be 1 to 64 letters, digits, '.', '_' or '-', got '" + nodeId + "'");
        }
        Objects.requireNonNull(drainWindow, "drainWindow");
        requireNotNegative("drain window", drainWindow);
    }

    private static final int MAX_PORT = 65535;

    private static void requireRange(String what, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be " + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE
                    ? "at least " + min : "from " + min + " to " + max) + ", not " + value);
        }
    }

    private static void requireNotNegative(String what, Duration value) {
        if (value.isNegative()) throw new IllegalArgumentException(what + " must not be negative, not " + value.toMillis() + " ms");
    }

    /** Node ids appear in logs, metrics labels and channel messages: keep them plain. */
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** {@return a builder with every default} */
    public static Builder builder() {
        return new Builder();
    }

    /** The options one by one, from the defaults; {@link #build()} checks them. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8080;
        private String adminHost = "127.0.0.1";
        private int adminPort = -1;
        private Duration pingInterval = Wire.DEFAULT_PING_INTERVAL;
        private Duration pongTimeout = Wire.DEFAULT_PONG_TIMEOUT;
        /** None, like the reference: liveness is the heartbeat's job. */
        private Duration idleTimeout = Duration.ZERO;
        private long maxMessageBytes = Wire.DEFAULT_MAX_MESSAGE_BYTES;
        private int maxBatch = RequestProcessor.DEFAULT_MAX_BATCH;
        /** Like OkHttp's outbound cap: a peer that falls this far behind is cut off rather than buffered. */
        private long maxQueuedBytes = 16L * 1024 * 1024;
        private int maxInFlight = 1024;
        private int maxConnections = 0;
        private boolean perMessageDeflate = false;
        private Tls tls;
        private List<String> allowedOrigins = List.of();
        private boolean allowMissingOrigin = true;
        /** Five guesses, then the connection is closed: online guessing costs a reconnect per five tries. */
        private int maxFailedLogins = 5;
        private String adminToken;
        private BrokerAddress broker;
        private String nodeId = UUID.randomUUID().toString().substring(0, 8);
        /**
         * Long enough for the load balancer to see the node's health turn 503 (HAProxy: 2 checks a second apart)
         * and for clients to come back gradually, short enough for a rolling restart.
         */
        private Duration drainWindow = Duration.ofSeconds(10);

        /**
         * The interface of the WebSocket connector (default 127.0.0.1).
         *
         * @param v the interface
         * @return this builder
         */
        public Builder host(String v) { host = v; return this; }
        /**
         * The WebSocket port (default 8080); 0 picks a free one.
         *
         * @param v the port
         * @return this builder
         */
        public Builder port(int v) { port = v; return this; }
        /**
         * The interface of the admin HTTP API (default 127.0.0.1).
         *
         * @param v the interface
         * @return this builder
         */
        public Builder adminHost(String v) { adminHost = v; return this; }
        /**
         * The admin HTTP API's port; -1 (the default) disables it, 0 picks a free port.
         *
         * @param v the port
         * @return this builder
         */
        public Builder adminPort(int v) { adminPort = v; return this; }
        /**
         * Zero disables server pings.
         *
         * @param v the interval
         * @return this builder
         */
        public Builder pingInterval(Duration v) { pingInterval = v; return this; }
        /**
         * Silence after a ping that evicts the peer with 1001 (default 10 s).
         *
         * @param v the timeout
         * @return this builder
         */
        public Builder pongTimeout(Duration v) { pongTimeout = v; return this; }
        /**
         * Zero means none.
         *
         * @param v the timeout
         * @return this builder
         */
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        /**
         * Larger messages close the connection with 1009 (default 16 MiB).
         *
         * @param v the limit in bytes
         * @return this builder
         */
        public Builder maxMessageBytes(long v) { maxMessageBytes = v; return this; }
        /**
         * Longer batches get one -32600 error (default 1000).
         *
         * @param v the limit
         * @return this builder
         */
        public Builder maxBatch(int v) { maxBatch = v; return this; }
        /**
         * Unsent output past which a peer is evicted with 1008 (default 16 MiB).
         *
         * @param v the limit in bytes
         * @return this builder
         */
        public Builder maxQueuedBytes(long v) { maxQueuedBytes = v; return this; }
        /**
         * Unanswered messages per connection before its reads pause (default 1024).
         *
         * @param v the limit
         * @return this builder
         */
        public Builder maxInFlight(int v) { maxInFlight = v; return this; }
        /**
         * Zero means unlimited.
         *
         * @param v the limit
         * @return this builder
         */
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        /**
         * Whether permessage-deflate is accepted (default false, as the reference).
         *
         * @param v whether to accept it
         * @return this builder
         */
        public Builder perMessageDeflate(boolean v) { perMessageDeflate = v; return this; }
        /**
         * Adds a TLS connector ({@code wss://}); null for none.
         *
         * @param v the connector, or null
         * @return this builder
         */
        public Builder tls(Tls v) { tls = v; return this; }
        /**
         * Origins allowed to upgrade (e.g. {@code https://app.example}); empty (the default) allows every origin.
         *
         * @param v the origins
         * @return this builder
         */
        public Builder allowedOrigins(List<String> v) { allowedOrigins = v; return this; }
        /**
         * With an origin allow-list: whether upgrades without an Origin header (non-browser clients) pass.
         *
         * @param v whether they pass
         * @return this builder
         */
        public Builder allowMissingOrigin(boolean v) { allowMissingOrigin = v; return this; }
        /**
         * Failed {@code rpc.login} attempts before the connection is closed with 1008; 0 = unlimited.
         *
         * @param v the limit
         * @return this builder
         */
        public Builder maxFailedLogins(int v) { maxFailedLogins = v; return this; }
        /**
         * The bearer token the admin API requires (all but /health); null for none (loopback only).
         *
         * @param v the token, or null
         * @return this builder
         */
        public Builder adminToken(String v) { adminToken = v; return this; }
        /**
         * Redis for events across nodes ({@code BrokerAddress.parse("redis://host:6379")}); null (the default): one
         * node, no broker. Needs {@code io.lettuce:lettuce-core} on the class path (README "Cluster").
         *
         * @param v the address, or null
         * @return this builder
         */
        public Builder broker(BrokerAddress v) { broker = v; return this; }
        /**
         * This node's name in /health, metrics, logs and the broker's messages; a random one by default.
         *
         * @param v the id: letters, digits, '.', '_', '-', 1 to 64
         * @return this builder
         */
        public Builder nodeId(String v) { nodeId = v; return this; }
        /**
         * How long a drain spreads the closing of open connections over ({@link RpcServer#drain}; default 10 s).
         *
         * @param v the window
         * @return this builder
         */
        public Builder drainWindow(Duration v) { drainWindow = v; return this; }

        /**
         * Checks the options and makes them one value.
         *
         * @return the options
         * @throws IllegalArgumentException naming the first setting out of its range
         */
        public ServerOptions build() {
            return new ServerOptions(host, port, adminHost, adminPort, pingInterval, pongTimeout, idleTimeout,
                    maxMessageBytes, maxBatch, maxQueuedBytes, maxInFlight, maxConnections, perMessageDeflate,
                    tls, allowedOrigins, allowMissingOrigin, maxFailedLogins, adminToken, broker, nodeId, drainWindow);
        }
    }
}
