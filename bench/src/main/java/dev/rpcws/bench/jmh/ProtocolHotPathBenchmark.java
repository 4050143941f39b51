package dev.rpcws.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.EventParams;
import dev.rpcws.protocol.Frames;
import dev.rpcws.protocol.Json;
import dev.rpcws.protocol.MethodHandler;
import dev.rpcws.protocol.Peer;
import dev.rpcws.protocol.RequestProcessor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The protocol core's hot path, without I/O: a {@code sum} request decoded, dispatched and its reply encoded,
 * exactly as the server does it for every call; plus its parts and the encoding of an event notification.
 *
 * <pre>java -cp bench/target/rpcws-bench.jar org.openjdk.jmh.Main ProtocolHotPath</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ProtocolHotPathBenchmark {
    /** What the real Node client sends for {@code client.call("sum", [1, 2])}. */
    static final String SUM_REQUEST = "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2],\"id\":4242}";

    private final RequestProcessor processor = new RequestProcessor();
    private final Peer peer = new SumPeer();
    private JsonNode request;
    private JsonNode reply;
    private JsonNode eventParams;

    @Setup public void setUp() throws Exception {
        request = Json.parse(SUM_REQUEST);
        reply = processor.process(SUM_REQUEST, peer).join();
        eventParams = EventParams.forGlobalEmit(List.of(Json.toNode(Map.of("round", 1, "text", "The quick brown fox jumps over the lazy dog"))));
    }

    /** The whole path of one call: text in, reply text out. */
    @Benchmark public String callSum() {
        return Json.write(processor.process(SUM_REQUEST, peer).join());
    }

    /** The whole path with the reply as UTF-8 bytes, which is what goes on the wire. */
    @Benchmark public byte[] callSumToBytes() {
        return Json.writeBytes(processor.process(SUM_REQUEST, peer).join());
    }

    @Benchmark public JsonNode decode() throws Exception {
        return Json.parse(SUM_REQUEST);
    }

    @Benchmark public JsonNode dispatch() {
        return processor.process(request, peer).join();
    }

    @Benchmark public String encode() {
        return Json.write(reply);
    }

    @Benchmark public String encodeNotification() {
        return Json.write(Frames.notification("newsUpdate", eventParams));
    }

    /** A connection of the root namespace with the compat fixture's {@code sum}. */
    static final class SumPeer implements Peer {
        private static final MethodHandler SUM = (p, ctx) -> {
            double total = 0;
            for (JsonNode n : p) total += n.asDouble();
            return total;
        };
        private static final Method METHOD = new Method() {
            @Override public MethodHandler handler() { return SUM; }
            @Override public boolean isProtected() { return false; }
        };

        @Override public Method method(String name) { return "sum".equals(name) ? METHOD : null; }
        @Override public Event event(String name) { return null; }
        @Override public void logIn() { }
        @Override public boolean subscribe(String event) { return false; }
        @Override public boolean unsubscribe(String event) { return false; }
        @Override public String socketId() { return "bench"; }
        @Override public String namespace() { return "/"; }
        @Override public boolean loggedIn() { return false; }
    }
}
