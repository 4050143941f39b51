package dev.rpcws.client;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The Jetty WebSocket client of one {@link RpcClient}: TLS trust, limits, compression, handshake headers and timeouts. */
final class JettyTransport {
    private final WebSocketClient client;
    private final boolean perMessageDeflate;

    JettyTransport(Duration connectTimeout, long maxMessageBytes, boolean perMessageDeflate, Path trustStore, String trustStorePassword, SSLContext sslContext) {
        HttpClient http = new HttpClient();
        QueuedThreadPool pool = new QueuedThreadPool(32, 2);
        pool.setName("rpcws-client-io");
        pool.setDaemon(true);
        http.setExecutor(pool);
        http.setScheduler(new ScheduledExecutorScheduler("rpcws-client-io-timer", true));
        if (trustStore != null || sslContext != null) {
            SslContextFactory.Client tls = new SslContextFactory.Client();
            if (sslContext != null) tls.setSslContext(sslContext);
            if (trustStore != null) {
                tls.setTrustStorePath(trustStore.toString());
                if (trustStorePassword != null) tls.setTrustStorePassword(trustStorePassword);
            }
            http.setSslContextFactory(tls);
        }
        this.perMessageDeflate = perMessageDeflate;
        client = new WebSocketClient(http);
        client.setConnectTimeout(connectTimeout.toMillis());
        // Liveness is the heartbeat's job; Jetty's idle timeout would otherwise close quiet connections.
        client.setIdleTimeout(Duration.ZERO);
        // These limits hold for the inflated message: Jetty inflates a compressed one in chunks of 8 KiB and
        // stops (1009) once they pass the limit, so a decompression bomb is never inflated whole.
        client.setMaxTextMessageSize(maxMessageBytes);
        client.setMaxBinaryMessageSize(maxMessageBytes);
        client.setStopAtShutdown(false);
    }

    /** Starts the handshake; the future fails when it cannot complete within {@code timeout}. */
    synchronized CompletableFuture<Session> connect(WebSocketLink link, URI uri, Map<String, String> headers,
                                                    List<String> subprotocols, Duration timeout) {
        try {
            if (!client.isStarted()) client.start();
            ClientUpgradeRequest request = new ClientUpgradeRequest(uri);
            headers.forEach(request::setHeader);
            if (!subprotocols.isEmpty()) request.setSubProtocols(subprotocols);
            if (perMessageDeflate) request.addExtensions("permessage-deflate");
            request.setTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return client.connect(link, request);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Stops Jetty's threads; a later {@link #connect} starts them again. */
    synchronized void stop() {
        try {
            client.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the WebSocket client did not stop cleanly", e);
        }
    }
}
