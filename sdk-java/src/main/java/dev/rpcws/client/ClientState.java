package dev.rpcws.client;

/** Where a client is in its life (docs/client-behaviour.md, "States"). */
public enum ClientState {
    /** Created, never connected. */
    DISCONNECTED,
    /** A WebSocket handshake is under way, or a fresh connection is being restored. */
    CONNECTING,
    /** Open: calls are sent. */
    CONNECTED,
    /** Waiting for the next attempt after a drop. */
    RECONNECTING,
    /** Final until {@link RpcClient#connect()} is called again. */
    CLOSED
}
