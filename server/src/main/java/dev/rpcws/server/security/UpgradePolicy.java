package dev.rpcws.server.security;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import dev.rpcws.server.limits.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who may open a WebSocket, decided at the upgrade, in this order: nobody while the server drains, then the
 * connection limit, the Origin allow-list, then the handshake authenticator. An admitted connection holds its place under the limit until
 * {@link #release()}.
 */
public final class UpgradePolicy {
    private static final Logger LOG = LoggerFactory.getLogger(UpgradePolicy.class);

    /** Why an upgrade was refused, with the HTTP answer it gets. */
    public enum Refusal {
        /** At the connection limit: 503. */
        TOO_MANY_CONNECTIONS(HttpStatus.SERVICE_UNAVAILABLE_503, "Too many connections"),
        /** The server drains: 503, and the load balancer retries the upgrade on another node. */
        DRAINING(HttpStatus.SERVICE_UNAVAILABLE_503, "Server draining"),
        /** An Origin the allow-list does not hold: 403. */
        ORIGIN(HttpStatus.FORBIDDEN_403, "Origin not allowed"),
        /** No token, or one the authenticator refused: 401. */
        TOKEN(HttpStatus.UNAUTHORIZED_401, "Unauthorized");

        private final int status;
        private final String message;

        Refusal(int status, String message) {
            this.status = status;
            this.message = message;
        }

        /**
         * Writes the HTTP answer; a refused token gets a {@code WWW-Authenticate: Bearer} challenge.
         *
         * @param request the upgrade request
         * @param response its response
         * @param callback completed once the answer is written
         */
        public void answer(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
            if (this == TOKEN) response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            Response.writeError(request, response, callback, status, message);
        }
    }

    /**
     * An upgrade's outcome: admitted (with the identity the authenticator returned, if any) or refused.
     *
     * @param refusal why it was refused, or null when admitted
     * @param identity who the authenticator said it is, or null
     * @param loggedIn whether the connection starts logged in (a token that logs in)
     */
    public record Verdict(Refusal refusal, String identity, boolean loggedIn) {
        /** {@return whether the upgrade goes ahead} */
        public boolean admitted() {
            return refusal == null;
        }
    }

    private final List<String> allowedOrigins;
    private final boolean allowMissingOrigin;
    private final int maxConnections;
    private final HandshakeAuthenticator authenticator;
    private final boolean tokenLogsIn;
    /** Connections admitted and not yet released: counted at the upgrade, so racing upgrades cannot overshoot. */
    private final AtomicInteger admitted = new AtomicInteger();
    private final RateLimitedLog refusals = new RateLimitedLog(LOG);
    private volatile boolean draining;

    /**
     * @param allowedOrigins   empty allows every origin
     * @param allowMissingOrigin with an allow-list, whether upgrades without an Origin header pass
     * @param maxConnections   0 means unlimited
     * @param authenticator    null lets every upgrade through without a token
     * @param tokenLogsIn      an authenticated connection counts as logged in for protected methods and events
     */
    public UpgradePolicy(List<String> allowedOrigins, boolean allowMissingOrigin, int maxConnections,
                         HandshakeAuthenticator authenticator, boolean tokenLogsIn) {
        this.allowedOrigins = List.copyOf(allowedOrigins);
        this.allowMissingOrigin = allowMissingOrigin;
        this.maxConnections = maxConnections;
        this.authenticator = authenticator;
        this.tokenLogsIn = tokenLogsIn;
    }

    /**
     * Decides one upgrade; {@code query} holds its query parameters (for {@code ?token=}). A refusal is logged at
     * INFO with the peer's address and why, rate-limited: anyone can make the server refuse upgrades.
     *
     * @param request the upgrade request
     * @param query its query parameters
     * @return admitted or refused, and why
     */
    public Verdict check(ServerUpgradeRequest request, Fields query) {
        if (draining) return refuse(request, Refusal.DRAINING, "the server drains");
        if (maxConnections > 0 && admitted.incrementAndGet() > maxConnections) {
            admitted.decrementAndGet();
            return refuse(request, Refusal.TOO_MANY_CONNECTIONS, "at the limit of " + maxConnections);
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (!originAllowed(origin)) {
            release();
            return refuse(request, Refusal.ORIGIN, origin == null ? "no Origin header" : "Origin " + origin);
        }
        if (authenticator == null) return new Verdict(null, null, false);
        String token = bearerToken(request, query);
        String identity = authenticate(request, token);
        if (identity == null) {
            release();
            return refuse(request, Refusal.TOKEN, token == null ? "no bearer token" : "token not accepted");
        }
        return new Verdict(null, identity, tokenLogsIn);
    }

    private Verdict refuse(ServerUpgradeRequest request, Refusal why, String detail) {
        refusals.info("refused an upgrade from {} to {}: {} ({})", request.getConnectionMetaData().getRemoteSocketAddress(),
                request.getHttpURI().getPath(), why.message, detail);
        return new Verdict(why, null, false);
    }

    /** From now on every upgrade is refused with 503. */
    public void drain() {
        draining = true;
    }

    /** An admitted connection is gone (or its upgrade failed after all): its place under the limit is free. */
    public void release() {
        if (maxConnections > 0) admitted.decrementAndGet();
    }

    private boolean originAllowed(String origin) {
        if (allowedOrigins.isEmpty()) return true;
        if (origin == null) return allowMissingOrigin;
        return allowedOrigins.contains(origin);
    }

    /** The bearer token from the Authorization header, else from {@code ?token=}; null when there is none. */
    private static String bearerToken(ServerUpgradeRequest request, Fields query) {
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return authorization.substring(7).trim();
        return query.getValue("token");
    }

    /** The identity the authenticator returns (also asked without a token: it may read other headers), or null; one that throws refuses. */
    private String authenticate(ServerUpgradeRequest request, String token) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (var field : request.getHeaders()) headers.computeIfAbsent(field.getName(), n -> new ArrayList<>()).add(field.getValue());
        try {
            return authenticator.authenticate(new HandshakeAuthenticator.Handshake(token, request.getHttpURI().getPath(), headers));
        } catch (RuntimeException e) {
            LOG.warn("the handshake authenticator failed; refusing the upgrade: {}", e.toString());
            return null;
        }
    }
}
