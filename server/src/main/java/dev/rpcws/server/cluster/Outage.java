package dev.rpcws.server.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.LongSupplier;

/**
 * The broker's availability as the log tells it: one line when it becomes unreachable (or stops answering),
 * one when it is back with the number of emits lost meanwhile; never a line per emit or per reconnect attempt.
 */
final class Outage {
    private static final Logger LOG = LoggerFactory.getLogger(RedisBroker.class);

    private enum State { STARTING, UP, DOWN, STALLED }

    private final BrokerAddress address;
    private final String node;
    private final LongSupplier lost;
    private volatile State state = State.STARTING;
    private long sinceNanos = System.nanoTime();
    private long lostBefore;
    private boolean everUp;

    Outage(BrokerAddress address, String node, LongSupplier lost) {
        this.address = address;
        this.node = node;
        this.lost = lost;
    }

    /** {@code starting}, {@code up}, {@code down} (unreachable) or {@code stalled} (connected, not answering). */
    synchronized String state() {
        return state.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A connection dropped (Lettuce reconnects it). */
    synchronized void down(String why) {
        if (state == State.STARTING || state == State.DOWN) return;
        LOG.warn("broker {} unreachable from node {} ({}): emits reach this node's subscribers only and are counted as lost "
                + "(rpcws_broker_lost_emits_total) until it is back", address, node, why);
        sinceNanos = System.nanoTime();
        lostBefore = lost.getAsLong();
        state = State.DOWN;
    }

    /** The first connect failed (it is retried). */
    synchronized void cannotConnect(Throwable why) {
        if (state != State.STARTING) return;
        LOG.warn("node {} cannot connect to the broker {} ({}): emits reach this node's subscribers only and are counted "
                + "as lost (rpcws_broker_lost_emits_total) until it answers; retrying", node, address, why.toString());
        state = State.DOWN;
    }

    /** Connected but not answering: too many publishes wait for it. */
    synchronized void stalled(int waiting) {
        if (state != State.UP) return;
        LOG.warn("broker {} is not answering node {} ({} publishes unacknowledged): further emits are counted as lost until it answers",
                address, node, waiting);
        state = State.STALLED;
        sinceNanos = System.nanoTime();
        lostBefore = lost.getAsLong() - 1;
    }

    /** Publishes are acknowledged again (called at every acknowledgement: no lock unless stalled). */
    void answering() {
        if (state == State.STALLED) answeringAgain();
    }

    private synchronized void answeringAgain() {
        if (state == State.STALLED) back("answering again");
    }

    /** Connected and subscribed; true if this ends an outage after the broker had been up (a reconnect). */
    synchronized boolean up() {
        if (state == State.UP) return false;
        boolean reconnect = state == State.DOWN && everUp;
        if (everUp) back("back");
        else LOG.info("connected to the broker {} as node {}", address, node);
        everUp = true;
        state = State.UP;
        return reconnect;
    }

    private void back(String how) {
        long seconds = (System.nanoTime() - sinceNanos) / 1_000_000_000L;
        LOG.info("broker {} {} for node {} after {} s; {} emits were lost meanwhile", address, how, node, seconds,
                lost.getAsLong() - lostBefore);
        state = State.UP;
    }
}
