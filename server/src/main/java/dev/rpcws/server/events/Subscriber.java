package dev.rpcws.server.events;

/** A connection as event delivery sees it. */
public interface Subscriber {
    /**
     * Sends or queues an event's notification (shared by every subscriber); never blocks.
     *
     * @param notification the notification, encoded once
     * @return false if it was not sent (the connection is gone, or was just cut off for falling behind)
     */
    boolean sendEvent(Notification notification);
}
