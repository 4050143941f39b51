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

    /** Whether a request with this {@code Authorization} header (null when absent) may use the admin API; compares in constant time. */
    public boolean allows(String authorization) {
        if (expected == null) return true;
        return authorization != null && MessageDigest.isEqual(expected, authorization.getBytes(StandardCharsets.UTF_8));
    }
}
