package dev.rpcws.client;

/** Receives events on the client's serial lane, in the order their frames arrived. */
@FunctionalInterface
public interface EventListener {
    void onEvent(RpcEvent event);
}
