package dev.rpcws.server;

import dev.rpcws.server.connection.DirectOutput;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.WebSocketConnection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A connector whose WebSocket connections read on the selector thread (decision 0013). Jetty's WebSocket connection
 * asks for its reads with a callback of invocation type {@code BLOCKING}, so the selector hands every read to a pool
 * thread, and that thread's request for the next read wakes the selector again to update its interest set: two
 * wake-ups per read. A read only fills, parses and hands the message to its frame task, none of which blocks, so
 * here it says {@code NON_BLOCKING}: Jetty's adaptive strategy then runs it on the selector thread (produce-consume),
 * where asking for the next read wakes nobody. A frame task whose handlers may block goes to the pool; one whose
 * handlers were declared non-blocking runs right after the read, on the selector thread (decision 0014).
 * HTTP connections (the upgrade, the admin API) are left as Jetty made them.
 *
 * <p>Its sockets also take an event's whole frame directly when nothing else is being written on them (decision
 * 0016, {@link DirectOutput}): one write of one buffer instead of Jetty's frame path per subscriber.
 */
final class SelectorReads extends ServerConnector {
    private final ElasticPool pool;

    SelectorReads(Server server, ElasticPool pool) {
        super(server);
        this.pool = pool;
    }

    @Override protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
        SocketChannelEndPoint endpoint = new Endpoint(channel, selector, key);
        endpoint.setIdleTimeout(getIdleTimeout());
        return endpoint;
    }

    private final class Endpoint extends SocketChannelEndPoint implements DirectOutput {
        private SelectionKey key;
        private final OutputTurns turns = new OutputTurns(super::write);
        private Callback jettys;     // the connection's read callback (a WebSocket connection always passes the same)
        private Callback onSelector; // it, declared non-blocking

        Endpoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
            super(channel, selector, key, SelectorReads.this.getScheduler());
            this.key = key;
        }

        @Override public void replaceKey(SelectionKey newKey) {
            super.replaceKey(newKey);
            key = newKey;
        }

        /**
         * Jetty's selector holds on to the last key it handled until it selects again; a read that closes a connection
         * no longer wakes it (the reason for this class), so without this its key would keep the closed connection
         * reachable until some other socket's next event.
         */
        @Override public void onClose(Throwable cause) {
            super.onClose(cause);
            key.attach(null);
        }

        /** Jetty's writes: one at a time per socket, each waiting for a direct write under way to end. */
        @Override public void write(Callback callback, ByteBuffer... buffers) {
            turns.write(callback, buffers);
        }

        @Override public boolean writeNow(ByteBuffer frame, CoreSession session, Callback written) {
            if (!turns.tryTake()) return false;
            // During this turn a close frame cannot be on its way out unless the session already says so.
            if (!session.isOutputOpen() || isOutputShutdown()) {
                turns.end();
                return false;
            }
            try {
                getChannel().write(frame);
            } catch (IOException x) {
                turns.end();
                close(x);
                return false;
            }
            notIdle();
            if (frame.hasRemaining()) {
                turns.writeRest(written, frame);
            } else {
                turns.end();
                written.succeeded();
            }
            return true;
        }

        @Override public void fillInterested(Callback callback) {
            super.fillInterested(getConnection() instanceof WebSocketConnection ? onSelector(callback) : callback);
        }

        @Override public boolean tryFillInterested(Callback callback) {
            return super.tryFillInterested(getConnection() instanceof WebSocketConnection ? onSelector(callback) : callback);
        }

        private Callback onSelector(Callback callback) {
            if (callback != jettys) { // once per connection: fill interest is registered by one thread at a time
                jettys = callback;
                Runnable read = callback::succeeded;
                onSelector = new Callback() {
                    @Override public void succeeded() { pool.runRead(read); }
                    @Override public void failed(Throwable x) { callback.failed(x); }
                    @Override public Invocable.InvocationType getInvocationType() { return Invocable.InvocationType.NON_BLOCKING; }
                };
            }
            return onSelector;
        }
    }
}
