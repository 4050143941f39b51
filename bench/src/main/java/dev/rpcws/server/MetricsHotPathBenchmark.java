package dev.rpcws.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.CallContext;
import dev.rpcws.protocol.Json;
import dev.rpcws.protocol.MethodHandler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the server's metrics cost per call, isolated: one frame counted, one reply counted, and the method's
 * handler run through the metering around it. {@code micrometer} is the server's {@link Metrics} (Micrometer,
 * Prometheus registry, the per-method timer); {@code handWritten} is the hand-written counters it replaced
 * (LongAdders, no timer), kept here to compare; {@code none} runs the handler alone. In this package, beside the
 * server's classes, to reach the package-private recording methods the connections call.
 *
 * <pre>java -cp bench/target/rpcws-bench.jar org.openjdk.jmh.Main MetricsHotPath</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(2)
public class MetricsHotPathBenchmark {
    private static final MethodHandler SUM = (params, ctx) -> params.get(0).asDouble() + params.get(1).asDouble();
    private static final CallContext CONTEXT = new CallContext() {
        @Override public String socketId() { return "bench"; }
        @Override public String namespace() { return "/"; }
        @Override public boolean loggedIn() { return false; }
    };

    private final Metrics metrics = new Metrics();
    private final HandWritten handWritten = new HandWritten();
    private MethodHandler timed;
    private JsonNode params;
    private JsonNode reply;

    @Setup public void setUp() throws Exception {
        timed = metrics.timed("/", "sum", SUM);
        params = Json.parse("[1,2]");
        reply = Json.parse("{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":4242}");
    }

    @Benchmark public Object none() throws Exception {
        return SUM.handle(params, CONTEXT);
    }

    @Benchmark public Object handWritten() throws Exception {
        handWritten.frameReceived();
        Object result = SUM.handle(params, CONTEXT);
        handWritten.replied(reply);
        return result;
    }

    @Benchmark public Object micrometer() throws Exception {
        metrics.frameReceived();
        Object result = timed.handle(params, CONTEXT);
        metrics.replied(reply);
        return result;
    }

    /** The per-call part of the hand-written Metrics the server had before Micrometer. */
    static final class HandWritten {
        private final LongAdder frames = new LongAdder();
        private final LongAdder calls = new LongAdder();
        private final Map<Integer, LongAdder> errors = new ConcurrentHashMap<>();

        void frameReceived() { frames.increment(); }

        void replied(JsonNode reply) {
            if (reply.isArray()) reply.forEach(this::replied);
            else if (reply.has("error")) {
                JsonNode code = reply.get("error").get("code");
                errors.computeIfAbsent(code != null && code.isInt() ? code.intValue() : 0, c -> new LongAdder()).increment();
            } else calls.increment();
        }
    }
}
