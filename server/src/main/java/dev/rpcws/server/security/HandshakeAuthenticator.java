package dev.rpcws.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

/**
 * Decides at the WebSocket upgrade who is connecting. It sees the request (the bearer token from
 * {@code Authorization: Bearer ...} or {@code ?token=...}, the headers, the path) and returns an identity, which
 * handlers read as {@code CallContext.identity()}, or {@code null} to refuse the upgrade with 401.
 */
@FunctionalInterface
public interface HandshakeAuthenticator {
    /**
     * Decides one upgrade.
     *
     * @param handshake what the upgrade request carried
     * @return the identity it authenticates (handlers read it as {@code CallContext.identity()}), or null to refuse with 401
     */
    String authenticate(Handshake handshake);

    /**
     * What an authenticator sees of an upgrade request.
     *
     * @param token the bearer token ({@code Authorization: Bearer} or {@code ?token=}), or null
     * @param path the request's path (the namespace)
     * @param headers the request's headers, by name
     */
    record Handshake(String token, String path, Map<String, List<String>> headers) {}

    /**
     * Accepts the listed tokens, comparing in constant time.
     *
     * @param tokenToIdentity token -> identity
     * @return the authenticator
     */
    static HandshakeAuthenticator tokens(Map<String, String> tokenToIdentity) {
        Map<String, String> known = Map.copyOf(tokenToIdentity);
        return handshake -> {
            if (handshake.token() == null) return null;
            byte[] offered = handshake.token().getBytes(StandardCharsets.UTF_8);
            String identity = null;
            for (Map.Entry<String, String> e : known.entrySet()) {
                if (MessageDigest.isEqual(offered, e.getKey().getBytes(StandardCharsets.UTF_8))) identity = e.getValue();
            }
            return identity;
        };
    }
}
