package dev.rpcws.server.connection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.Incoming;
import dev.rpcws.protocol.Peer;
import dev.rpcws.server.limits.Limits;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/** The server as its connections see it: one per server, shared by all of its connections. */
public interface ConnectionHost {
    // ---- what connections use ----

    /** Parses one message of {@code peer}, and finds out whether processing it may block. */
    Incoming read(String message, Peer peer);

    /** Processes one message of {@code peer} by the protocol's rules: the reply, or null when none is due. */
    CompletableFuture<JsonNode> process(Incoming message, Peer peer);

    /** Runs frame tasks whose handlers may block: never on a selector thread. */
    Executor handlerExecutor();

    /** Runs frame tasks that cannot block: on the thread that read them, once the read returns. */
    Executor nonBlockingExecutor();

    /** Runs heartbeats, stall checks and close timers. */
    ScheduledExecutorService scheduler();

    Limits limits();

    // ---- what connections report ----

    /** A connection is open; {@code compressed}: it negotiated permessage-deflate. */
    void opened(boolean compressed);

    /** A connection is gone: it has left its namespace and dropped its subscriptions. */
    void closed();

    /** A connection's WebSocket close completed with this code (1006 when the socket was lost without one). */
    void closeCompleted(int code);

    void frameReceived();

    /** A reply went out: one response, or a batch of them. */
    void replied(JsonNode reply);

    void pingSent();

    void pongReceived();

    /** The server closed a connection; {@code reason} is a short label such as {@code slow_consumer}. */
    void evicted(String reason);
}
