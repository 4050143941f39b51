package dev.rpcws.client.support;

import dev.rpcws.testkit.ServerUnderTest;

import java.util.EnumMap;
import java.util.Map;

/**
 * One server per backend shared by the tests that leave server state alone, started on first use and
 * stopped when the test JVM exits: starting a Node process per test would eat the time budget.
 */
public final class SharedServers {
    private static final Map<Backend, ServerUnderTest> SERVERS = new EnumMap<>(Backend.class);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(SharedServers::closeAll, "shared-servers-shutdown"));
    }

    private SharedServers() {}

    public static synchronized ServerUnderTest of(Backend backend) {
        return SERVERS.computeIfAbsent(backend, b -> b.start(0));
    }

    private static synchronized void closeAll() {
        SERVERS.values().forEach(ServerUnderTest::close);
    }
}
