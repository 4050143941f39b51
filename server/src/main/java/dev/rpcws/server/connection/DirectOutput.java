package dev.rpcws.server.connection;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;

import java.nio.ByteBuffer;

/**
 * A plain socket that takes an event's whole frame directly, when nothing else is being written on it, instead of
 * through Jetty's frame path (decision 0016). Jetty's own writes on it wait for such a write to end, and such a
 * write is made only while none of Jetty's is under way, so frames never interleave.
 */
public interface DirectOutput {
    /**
     * Writes a whole WebSocket frame now if the socket's output is free: what the socket does not take at once is
     * written before anything else, and {@code written} completes when all of it is out (or failed).
     *
     * @param frame the frame, header and payload; its position moves
     * @param session the WebSocket session on this socket: nothing is written once its output is closed
     * @param written completed once the frame is written, or failed
     * @return false, writing nothing and leaving {@code written} alone, if another write is under way or the output
     *         is closed: send through Jetty instead
     */
    boolean writeNow(ByteBuffer frame, CoreSession session, Callback written);
}
