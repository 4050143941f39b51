package dev.rpcws.client;

/** Receives events on the client's serial lane, in the order their frames arrived. */
@FunctionalInterface
public interface EventListener {
    /** @param event the event's name and arguments */
    void onEvent(RpcEvent event);
}
