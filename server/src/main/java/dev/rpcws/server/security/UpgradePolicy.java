package dev.rpcws.server.security;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who may open a WebSocket, decided at the upgrade, in this order: the connection limit, the Origin allow-list,
 * then the handshake authenticator. An admitted connection holds its place under the limit until
 * {@link #release()}.
 */
public final class UpgradePolicy {
    private static final Logger LOG = LoggerFactory.getLogger(UpgradePolicy.class);

    /** Why an upgrade was refused, with the HTTP answer it gets. */
    public enum Refusal {
        TOO_MANY_CONNECTIONS(HttpStatus.SERVICE_UNAVAILABLE_503, "Too many connections"),
        ORIGIN(HttpStatus.FORBIDDEN_403, "Origin not allowed"),
        TOKEN(HttpStatus.UNAUTHORIZED_401, "Unauthorized");

        private final int status;
        private final String message;

        Refusal(int status, String message) {
            this.status = status;
            this.message = message;
        }

        /** Writes the HTTP answer; a refused token gets a {@code WWW-Authenticate: Bearer} challenge. */
        public void answer(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
            if (this == TOKEN) response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            Response.writeError(request, response, callback, status, message);
        }
    }

    /** An upgrade's outcome: admitted (with the identity the authenticator returned, if any) or refused. */
    public record Verdict(Refusal refusal, String identity, boolean loggedIn) {
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

    /**
     * @param allowedOrigins   empty allows every origin
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

    /** Decides one upgrade; {@code query} holds its query parameters (for {@code ?token=}). */
    public Verdict check(ServerUpgradeRequest request, Fields query) {
        if (maxConnections > 0 && admitted.incrementAndGet() > maxConnections) {
            admitted.decrementAndGet();
            return new Verdict(Refusal.TOO_MANY_CONNECTIONS, null, false);
        }
        if (!originAllowed(request.getHeaders().get(HttpHeader.ORIGIN))) {
            release();
            return new Verdict(Refusal.ORIGIN, null, false);
        }
        if (authenticator == null) return new Verdict(null, null, false);
        String identity = authenticate(request, query);
        if (identity == null) {
            release();
            return new Verdict(Refusal.TOKEN, null, false);
        }
        return new Verdict(null, identity, tokenLogsIn);
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

    /** The bearer token from the Authorization header, else from {@code ?token=}; an authenticator that throws refuses. */
    private String authenticate(ServerUpgradeRequest request, Fields query) {
        String token = null;
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) token = authorization.substring(7).trim();
        if (token == null) token = query.getValue("token");
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
