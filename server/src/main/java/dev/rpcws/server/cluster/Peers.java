package dev.rpcws.server.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The other nodes this node has heard from, with the digest of their registrations. A peer whose digest differs
 * from ours is reported in the log once per peer and pair of digests (not at every heartbeat) and flagged in /health;
 * a peer silent for {@link #EXPIRY} is forgotten. Thread-safe (its methods are synchronized: a few calls a
 * second at most).
 */
final class Peers {
    private static final Logger LOG = LoggerFactory.getLogger(Peers.class);
    /** Three heartbeats missed. */
    static final Duration EXPIRY = Broker.HEARTBEAT.multipliedBy(3);

    private record Peer(String boot, String digest, long seenNanos) {}

    private final String node;
    private final String boot;
    private final LongSupplier nanoClock;
    private final Map<String, Peer> peers = new TreeMap<>();
    /** {@code peer digest ours} already logged as differing. */
    private final Set<String> reported = new HashSet<>();
    private boolean reportedTwin;

    Peers(String node, String boot, LongSupplier nanoClock) {
        this.node = node;
        this.boot = boot;
        this.nanoClock = nanoClock;
    }

    /** A heartbeat (or an answer to our hello) from {@code peer}, which serves {@code digest}. */
    synchronized void heard(String peer, String peerBoot, String digest, String ourDigest) {
        if (peer.equals(node)) {
            if (!peerBoot.equals(boot) && !reportedTwin) {
                reportedTwin = true;
                LOG.warn("another node uses this node's id {}: give every node its own --node-id", node);
            }
            return;
        }
        Peer before = peers.put(peer, new Peer(peerBoot, digest, nanoClock.getAsLong()));
        if (before == null || !before.boot.equals(peerBoot)) LOG.info("node {}: peer {} joined (registrations {})", node, peer, shortDigest(digest));
        if (!digest.equals(ourDigest) && reported.add(peer + " " + digest + " " + ourDigest)) {
            LOG.warn("node {} serves other registrations than this node {} (digest {} there, {} here): clients failing over "
                    + "between them may find methods or events missing; deploy the same application on every node",
                    peer, node, shortDigest(digest), shortDigest(ourDigest));
        }
    }

    /** {@code peer} said goodbye (it drains or stops). */
    synchronized void left(String peer, String peerBoot) {
        Peer p = peers.get(peer);
        if (p != null && p.boot.equals(peerBoot)) {
            peers.remove(peer);
            LOG.info("node {}: peer {} left", node, peer);
        }
    }

    /** Forgets peers silent for {@link #EXPIRY}. */
    synchronized void expire() {
        long now = nanoClock.getAsLong();
        peers.entrySet().removeIf(e -> {
            boolean gone = now - e.getValue().seenNanos > EXPIRY.toNanos();
            if (gone) LOG.info("node {}: peer {} silent for {} s, forgotten", node, e.getKey(), EXPIRY.toSeconds());
            return gone;
        });
    }

    /** Whether some peer serves other registrations than {@code ourDigest}. */
    synchronized boolean mismatch(String ourDigest) {
        return peers.values().stream().anyMatch(p -> !p.digest.equals(ourDigest));
    }

    synchronized int size() {
        return peers.size();
    }

    /** {@code {"n2":"<digest>",...}}. */
    synchronized ObjectNode toJson() {
        ObjectNode json = Json.object();
        peers.forEach((id, p) -> json.put(id, p.digest));
        return json;
    }

    private static String shortDigest(String digest) {
        return digest.length() > 12 ? digest.substring(0, 12) : digest;
    }
}
