package dev.rpcws.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free ports on 127.0.0.1, for processes that cannot pick their own (redis-server, HAProxy) or must keep one across restarts. */
public final class Ports {
    private Ports() {}

    /** A port nothing listens on right now (another process may take it before the caller binds it). */
    public static int free() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
