package dev.rpcws.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The admin API's bearer token: with one configured, every endpoint but /health requires it. */
public final class AdminAuth {
    private final byte[] expected;

    /** @param token the token to require; null requires none (the admin API then binds to loopback only) */
    public AdminAuth(String token) {
        this.expected = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Whether a request may use the admin API; compares in constant time.
     *
     * @param authorization its {@code Authorization} header, or null when absent
     * @return whether it may
     */
    public boolean allows(String authorization) {
        if (expected == null) return true;
        return authorization != null && MessageDigest.isEqual(expected, authorization.getBytes(StandardCharsets.UTF_8));
    }
}
