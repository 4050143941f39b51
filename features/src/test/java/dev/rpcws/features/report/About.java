package dev.rpcws.features.report;

import java.time.Instant;
import java.util.Map;

/**
 * What a report says about its run: when, on which commit, how long, where each client ran
 * ({@code clients}: client id to "in the test JVM", "local process", ...) and the versions of everything
 * involved ({@code versions}: "Java" to "17.0.12", ...), in display order.
 */
public record About(Instant date, String commit, long seconds, Map<String, String> clients, Map<String, String> versions) {}
