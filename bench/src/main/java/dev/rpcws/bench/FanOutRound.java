package dev.rpcws.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.Json;

/**
 * One fan-out round as both generators report it: how many subscribers should have had the event and how many
 * did, the time from writing the emit request to reading the last of them (-1 when none arrived), the admin
 * API's HTTP status, and the CPU the server and the generator used from the request until its answer.
 */
record FanOutRound(int expected, int received, long nanos, int httpStatus, long serverCpuNanos, long selfCpuNanos,
                   long selfWaitNanos, long elapsedNanos) {
    boolean complete() { return received == expected && httpStatus == 200; }

    ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("expected", expected).put("received", received).put("nanos", nanos).put("httpStatus", httpStatus)
                .put("serverCpuNanos", serverCpuNanos).put("selfCpuNanos", selfCpuNanos).put("selfWaitNanos", selfWaitNanos)
                .put("elapsedNanos", elapsedNanos);
        return o;
    }

    static FanOutRound fromJson(JsonNode o) {
        return new FanOutRound(o.path("expected").asInt(), o.path("received").asInt(), o.path("nanos").asLong(),
                o.path("httpStatus").asInt(), o.path("serverCpuNanos").asLong(), o.path("selfCpuNanos").asLong(),
                o.path("selfWaitNanos").asLong(), o.path("elapsedNanos").asLong());
    }
}
