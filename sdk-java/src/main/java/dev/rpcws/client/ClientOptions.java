package dev.rpcws.client;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/** What {@link RpcClient.Builder} collected, checked, for the parts of the client; defaults are the builder's. */
record ClientOptions(
        URI uri,
        Map<String, String> headers,
        List<String> subprotocols,
        ReconnectPolicy policy,
        Duration callTimeout,
        Duration connectTimeout,
        Duration pingInterval,
        Duration pongTimeout,
        boolean restoreOnReconnect,
        boolean waitForReconnect,
        long maxMessageBytes,
        boolean perMessageDeflate,
        Path trustStore,
        String trustStorePassword,
        SSLContext sslContext,
        Executor executor,
        List<ConnectionListener> listeners) {
    ClientOptions {
        headers = Map.copyOf(headers);
        subprotocols = List.copyOf(subprotocols);
        listeners = List.copyOf(listeners);
    }
}
