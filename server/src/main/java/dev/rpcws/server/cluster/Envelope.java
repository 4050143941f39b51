package dev.rpcws.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.Json;
import dev.rpcws.server.events.Emission;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An emission as it travels between nodes: who published it ({@code node}, and {@code boot}, which is new each
 * time a node process starts, so a node restarted under the same id starts a new sequence), the publisher's
 * sequence number (1, 2, ... per boot, in publish order), when it was emitted (microseconds since the epoch,
 * for the broker's added latency), and the emission itself.
 *
 * <pre>{"v":1,"node":"n1","boot":"5f0c2a9e","seq":17,"emitted":1732900000123456,"emission":{...}}</pre>
 *
 * {@code node} and {@code boot} come first, so a node tells its own messages by their first bytes
 * ({@link #prefix}) without parsing them. A lossless resume would add an {@code epoch} and {@code offset}
 * (a Redis stream's entry id) beside {@code seq}; readers ignore members they do not know.
 */
record Envelope(String node, String boot, long seq, long emittedMicros, Emission emission) {
    static final int VERSION = 1;

    Envelope {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(boot, "boot");
        Objects.requireNonNull(emission, "emission");
    }

    /** The JSON text, as UTF-8: encoded once per emit, whatever the number of nodes. */
    byte[] toBytes() {
        return encode(prefix(node, boot), seq, emittedMicros, Json.writeBytes(emission.toJson()));
    }

    /**
     * An envelope from its parts: the publisher's {@link #prefix}, and the emission already encoded, so that the
     * publisher encodes the emission outside the lock that orders its sequence numbers and only joins bytes in it.
     */
    static byte[] encode(byte[] prefix, long seq, long emittedMicros, byte[] emission) {
        byte[] middle = ("\"seq\":" + seq + ",\"emitted\":" + emittedMicros + ",\"emission\":").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + middle.length + emission.length + 1];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(middle, 0, out, prefix.length, middle.length);
        System.arraycopy(emission, 0, out, prefix.length + middle.length, emission.length);
        out[out.length - 1] = '}';
        return out;
    }

    /** The first bytes of every envelope {@code node} publishes during {@code boot}. */
    static byte[] prefix(String node, String boot) {
        byte[] head = Json.writeBytes(head(node, boot));
        head[head.length - 1] = ',';
        return head;
    }

    private static ObjectNode head(String node, String boot) {
        ObjectNode json = Json.object();
        json.put("v", VERSION);
        json.put("node", node);
        json.put("boot", boot);
        return json;
    }

    /** Reads an envelope; {@link IllegalArgumentException} for anything else (another version included). */
    static Envelope fromBytes(byte[] bytes) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (json == null || !json.path("v").isInt() || json.get("v").intValue() != VERSION || !json.path("node").isTextual()
                || !json.path("boot").isTextual() || !whole(json.path("seq")) || !whole(json.path("emitted"))) {
            throw new IllegalArgumentException("not an envelope of version " + VERSION);
        }
        return new Envelope(json.get("node").textValue(), json.get("boot").textValue(), json.get("seq").longValue(),
                json.get("emitted").longValue(), Emission.fromJson(json.get("emission")));
    }

    private static boolean whole(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong();
    }
}
