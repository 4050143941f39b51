package dev.rpcws.server.events;

/** A connection as event delivery sees it. */
public interface Subscriber {
    /**
     * Queues an event's frame (UTF-8 JSON text, shared by every subscriber: never modified); never blocks.
     *
     * @param frame the notification, UTF-8 JSON
     * @return false if it was not sent (the connection is gone, or was just cut off for falling behind)
     */
    boolean sendEvent(byte[] frame);
}
