package dev.rpcws.server;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.WebSocketConnection;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.eclipse.jetty.websocket.core.server.internal.AbstractHandshaker;
import org.eclipse.jetty.websocket.core.server.internal.RFC6455Negotiation;
import org.eclipse.jetty.websocket.core.server.internal.WebSocketNegotiation;
import org.eclipse.jetty.websocket.core.util.WebSocketUtils;

import java.util.concurrent.Executor;

/**
 * Upgrades HTTP/1.1 requests to WebSocket connections whose frames are read and parsed on Jetty's selector
 * thread, the way an event loop reads them, instead of on a pool thread woken for every readable socket. This
 * is safe because nothing on that path blocks: {@link RpcConnection} only queues a frame and hands it to the
 * handler executor, where handlers (which may block) run. It saves one thread hand-off per burst of frames
 * (docs/decisions/0004-jetty-core-websocket.md). Requests that are not upgrades go to the wrapped handler.
 */
final class WebSocketUpgrade extends Handler.Wrapper {
    private final Handshaker handshaker = new Handshaker();
    private final WebSocketNegotiator negotiator;
    private final WebSocketComponents components;
    private final Configuration.ConfigurationCustomizer configuration = new Configuration.ConfigurationCustomizer();

    WebSocketUpgrade(WebSocketComponents components, WebSocketNegotiator negotiator) {
        this.components = components;
        this.negotiator = negotiator;
    }

    /** Message sizes, idle timeout and buffer sizes every connection starts with. */
    Configuration configuration() {
        return configuration;
    }

    @Override public boolean handle(Request request, Response response, Callback callback) throws Exception {
        try {
            if (handshaker.upgradeRequest(negotiator, request, response, callback, components, configuration)) return true;
        } catch (Throwable x) {
            Response.writeError(request, response, callback, x);
            return true;
        }
        return super.handle(request, response, callback);
    }

    /** RFC 6455 over HTTP/1.1, as Jetty's own handshaker does it, with connections of our kind. */
    private static final class Handshaker extends AbstractHandshaker {
        private static final HttpField UPGRADE_WEBSOCKET = new PreEncodedHttpField(HttpHeader.UPGRADE, "websocket");
        private static final HttpField CONNECTION_UPGRADE = new PreEncodedHttpField(HttpHeader.CONNECTION, HttpHeader.UPGRADE.asString());

        @Override public boolean isWebSocketUpgradeRequest(Request request) {
            return HttpMethod.GET.is(request.getMethod())
                    && HttpVersion.HTTP_1_1.is(request.getConnectionMetaData().getProtocol())
                    && super.isWebSocketUpgradeRequest(request);
        }

        @Override protected WebSocketNegotiation newNegotiation(Request request, Response response, Callback callback, WebSocketComponents components) {
            return new RFC6455Negotiation(request, response, callback, components);
        }

        @Override protected boolean validateNegotiation(WebSocketNegotiation negotiation) {
            if (!super.validateNegotiation(negotiation)) return false;
            if (((RFC6455Negotiation) negotiation).getKey() == null) {
                throw new HttpException.RuntimeException(HttpStatus.BAD_REQUEST_400, "Missing request header 'Sec-WebSocket-Key'");
            }
            return true;
        }

        @Override protected WebSocketConnection createWebSocketConnection(Request request, WebSocketCoreSession session) {
            var metaData = request.getConnectionMetaData();
            var connector = metaData.getConnector();
            WebSocketConnection connection = new SelectorReadConnection(metaData.getConnection().getEndPoint(), connector.getExecutor(),
                    connector.getScheduler(), connector.getByteBufferPool(), session);
            session.setWebSocketConnection(connection);
            return connection;
        }

        @Override protected void prepareResponse(Response response, WebSocketNegotiation negotiation) {
            response.setStatus(HttpStatus.SWITCHING_PROTOCOLS_101);
            HttpFields.Mutable fields = response.getHeaders();
            fields.put(UPGRADE_WEBSOCKET);
            fields.put(CONNECTION_UPGRADE);
            fields.put(HttpHeader.SEC_WEBSOCKET_ACCEPT, WebSocketUtils.hashKey(((RFC6455Negotiation) negotiation).getKey()));
        }
    }

    /** A WebSocket connection whose readiness to read is handled where it is signalled: the selector thread. */
    private static final class SelectorReadConnection extends WebSocketConnection {
        private final RpcConnection rpc;
        private final Callback fillable = Callback.from(Invocable.InvocationType.NON_BLOCKING, this::readable, this::onFillInterestedFailed);

        SelectorReadConnection(EndPoint endPoint, Executor executor, Scheduler scheduler, ByteBufferPool pool, WebSocketCoreSession session) {
            super(endPoint, executor, scheduler, pool, session);
            this.rpc = (RpcConnection) session.getHandler();
        }

        private void readable() {
            rpc.readReady();
            onFillable();
        }

        @Override public void fillInterested() {
            fillInterested(fillable);
        }
    }
}
