package dev.rpcws.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.Json;
import dev.rpcws.testkit.LaunchedProcess;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A load generator process, seen from the benchmark: either kind ({@link Kind#NIO}, the Java one on raw NIO,
 * or {@link Kind#WS}, the Node one on the npm ws package) answers the same JSON requests on a control
 * connection (bench/README.md, "Generators"). Connections are kept in named groups, one per server or per
 * share of the idle connections; each request names its group.
 */
final class Agent implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening control=(\\d+)");

    enum Kind {
        NIO("nio", "Java NIO"), WS("ws", "Node ws");

        final String id;
        final String label;

        Kind(String id, String label) {
            this.id = id;
            this.label = label;
        }

        static Kind of(String id) {
            for (Kind k : values()) if (k.id.equals(id)) return k;
            throw new IllegalArgumentException("no generator " + id + " (nio or ws)");
        }
    }

    final Kind kind;
    private final LaunchedProcess process;
    private final Socket control;
    private final BufferedReader in;
    private final OutputStream out;

    private Agent(Kind kind, LaunchedProcess process) {
        this.kind = kind;
        this.process = process;
        try {
            this.control = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(process.ready(1)));
            control.setTcpNoDelay(true);
            this.in = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.UTF_8));
            this.out = control.getOutputStream();
        } catch (IOException e) {
            process.close();
            throw new UncheckedIOException("cannot reach the " + kind.id + " generator's control port", e);
        }
    }

    /**
     * Starts a generator of {@code kind} named {@code name} (its output goes to target/test-logs/{@code name}.log).
     * The NIO one runs on {@code classpath} (the bench jar) with the serial collector: one thread, and no GC
     * threads to compete with.
     */
    static Agent start(Kind kind, Path repo, String classpath, String name) {
        List<String> cmd = switch (kind) {
            case NIO -> List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                    "-cp", classpath, NioAgent.class.getName());
            case WS -> {
                if (!Files.isDirectory(repo.resolve("bench/node/node_modules/ws"))) {
                    throw new IllegalStateException("bench/node is not installed: run bash bench/run.sh (it runs npm ci there)");
                }
                yield List.of("node", "ws-agent.mjs");
            }
        };
        Path dir = kind == Kind.WS ? repo.resolve("bench/node") : repo;
        return new Agent(kind, LaunchedProcess.start(name, cmd, dir, LISTENING, Duration.ofSeconds(30)));
    }

    long pid() {
        return process.pid();
    }

    @Override public String toString() {
        return kind.id + " generator (pid " + pid() + ")";
    }

    boolean isAlive() {
        return process.isAlive();
    }

    // ---- the requests ----

    record Opened(int opened, int failed, boolean deflate) {}

    /** Opens {@code count} connections to 127.0.0.1:{@code port} into {@code group}, from {@code source} (null: any). */
    Opened open(String group, int port, int count, String source, Duration timeout) {
        ObjectNode r = request("open", group).put("port", port).put("count", count).put("concurrency", 32).put("timeoutMs", timeout.toMillis());
        if (source != null) r.put("source", source);
        JsonNode o = call(r, timeout.plusSeconds(30));
        return new Opened(o.path("opened").asInt(), o.path("failed").asInt(), o.path("deflate").asBoolean());
    }

    /** {@code inFlight} calls of {@code sum [1,2]} in flight on every connection of {@code group}; see {@link LoadGenerator#calls}. */
    CallRun calls(String group, int inFlight, Duration warmup, Duration measure, long serverPid) {
        ObjectNode r = request("calls", group).put("inFlight", inFlight).put("warmupMs", warmup.toMillis())
                .put("measureMs", measure.toMillis()).put("serverPid", serverPid);
        return CallRun.fromJson(call(r, warmup.plus(measure).plusSeconds(30)));
    }

    /** Subscribes the first {@code count} connections of {@code group} to {@code event}; returns how many were refused or unanswered. */
    int subscribe(String group, String event, int count, Duration timeout) {
        JsonNode o = call(request("subscribe", group).put("event", event).put("count", count).put("timeoutMs", timeout.toMillis()), timeout.plusSeconds(30));
        return o.path("errors").asInt() + Math.max(0, count - o.path("subscribed").asInt());
    }

    /** One emit through the admin API; the round ends when every subscriber of {@code group} had it. */
    FanOutRound fanOut(String group, int adminPort, String event, int round, String text, Duration timeout, long serverPid) {
        ObjectNode r = request("fanout", group).put("adminPort", adminPort).put("event", event).put("round", round).put("text", text)
                .put("timeoutMs", timeout.toMillis()).put("serverPid", serverPid);
        return FanOutRound.fromJson(call(r, timeout.plusSeconds(30)));
    }

    /** Closes every connection of {@code group} (resets: no TIME_WAIT left behind). */
    void closeGroup(String group) {
        call(request("close", group), Duration.ofSeconds(60));
    }

    record Stats(long open, long protocolErrors, long unexpectedFrames, long pongs) {
        long errors() { return protocolErrors + unexpectedFrames; }
    }

    /** Counters over the generator's life: connections open now, protocol errors, unexpected frames, pongs sent. */
    Stats stats() {
        JsonNode o = call(request("stats", ""), Duration.ofSeconds(30));
        return new Stats(o.path("open").asLong(), o.path("protocolErrors").asLong(), o.path("unexpectedFrames").asLong(), o.path("pongs").asLong());
    }

    private static ObjectNode request(String op, String group) {
        return Json.object().put("op", op).put("group", group);
    }

    private synchronized JsonNode call(ObjectNode request, Duration timeout) {
        try {
            control.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            out.write((Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String line = in.readLine();
            if (line == null) throw new IllegalStateException(kind.id + " generator exited; see " + process.log());
            JsonNode reply = Json.parse(line);
            if (reply.has("error")) throw new IllegalStateException(kind.id + " generator: " + reply.get("error").asText() + " (on " + request + ")");
            return reply;
        } catch (SocketTimeoutException e) {
            throw new IllegalStateException(kind.id + " generator did not answer " + request.path("op").asText() + " within " + timeout, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Json.JsonSyntaxException e) {
            throw new IllegalStateException(kind.id + " generator sent something that is not JSON", e);
        }
    }

    /** Asks the generator to exit, then makes sure it did. */
    @Override public void close() {
        try {
            call(request("exit", ""), Duration.ofSeconds(10));
        } catch (RuntimeException gone) {
            // closing anyway
        }
        try {
            control.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        process.close();
    }
}
