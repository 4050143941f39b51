package dev.rpcws.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The NIO load generator ({@link LoadGenerator}) as a process of its own, driven by the benchmark over a
 * control connection on 127.0.0.1: one JSON request per line, one JSON reply per line (the requests are
 * listed in bench/README.md, "Generators"; bench/node/ws-agent.mjs answers the same ones on the npm ws
 * package). Between requests its one thread keeps polling, so open connections answer pings. It exits when
 * the control connection closes, so it never outlives the benchmark.
 */
final class NioAgent {
    private static final String CONTROL_CLOSED = "\u0000closed";

    private final LoadGenerator gen = new LoadGenerator("/");
    private final Map<String, Group> groups = new HashMap<>();

    /** The connections opened under one name (one server, or one share of the idle connections). */
    private static final class Group {
        final List<LoadGenerator.Conn> conns = new ArrayList<>();
        int subscribed;
    }

    public static void main(String[] args) throws IOException {
        try (ServerSocket control = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            System.out.println("listening control=" + control.getLocalPort());
            control.setSoTimeout(60_000);
            try (Socket s = control.accept()) {
                s.setTcpNoDelay(true);
                new NioAgent().serve(s);
            }
        }
    }

    private void serve(Socket control) throws IOException {
        LinkedBlockingQueue<String> requests = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    requests.add(line);
                    gen.wakeup();
                }
            } catch (IOException closed) {
                // the benchmark went away
            }
            requests.add(CONTROL_CLOSED);
            gen.wakeup();
        }, "control");
        reader.setDaemon(true);
        reader.start();
        OutputStream out = control.getOutputStream();
        try {
            while (true) {
                String line = requests.poll();
                if (line == null) {
                    gen.poll(200);
                    continue;
                }
                if (line.equals(CONTROL_CLOSED)) return;
                JsonNode reply;
                boolean exit = false;
                try {
                    JsonNode request = Json.parse(line);
                    exit = request.path("op").asText().equals("exit");
                    reply = handle(request);
                } catch (Exception e) {
                    reply = Json.object().put("error", e.toString());
                }
                // Reset every connection before the reply: the benchmark kills the process once it has it, and a
                // socket the kernel closes at exit leaves its port in TIME_WAIT for a minute (the next step's ports).
                if (exit) gen.close();
                out.write((Json.write(reply) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (exit) return;
            }
        } finally {
            gen.close();
        }
    }

    private JsonNode handle(JsonNode r) {
        String op = r.path("op").asText();
        Group g = groups.computeIfAbsent(r.path("group").asText(""), k -> new Group());
        LoadGenerator.Probe server = serverProbe(r.path("serverPid").asLong(0));
        return switch (op) {
            case "open" -> {
                InetAddress source = r.hasNonNull("source") ? address(r.get("source").asText()) : null;
                int count = r.path("count").asInt();
                List<LoadGenerator.Conn> opened = gen.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), r.path("port").asInt()),
                        source, count, r.path("concurrency").asInt(32), Duration.ofMillis(r.path("timeoutMs").asLong(60_000)));
                g.conns.addAll(opened);
                yield Json.object().put("opened", opened.size()).put("failed", count - opened.size())
                        .put("deflate", !opened.isEmpty() && opened.get(0).deflate != null);
            }
            case "calls" -> gen.calls(g.conns, r.path("inFlight").asInt(), Duration.ofMillis(r.path("warmupMs").asLong()),
                    Duration.ofMillis(r.path("measureMs").asLong()), server).toJson();
            case "subscribe" -> {
                int upTo = Math.min(r.path("count").asInt(), g.conns.size());
                int errors = upTo <= g.subscribed ? 0
                        : gen.subscribe(g.conns.subList(g.subscribed, upTo), r.path("event").asText(), Duration.ofMillis(r.path("timeoutMs").asLong(60_000)));
                g.subscribed = Math.max(g.subscribed, upTo);
                yield Json.object().put("subscribed", g.subscribed).put("errors", errors);
            }
            case "fanout" -> gen.fanOutRound(r.path("adminPort").asInt(), r.path("event").asText(), r.path("round").asInt(), g.subscribed,
                    r.path("text").asText(), Duration.ofMillis(r.path("timeoutMs").asLong(10_000)), server).toJson();
            case "close" -> {
                g.conns.forEach(gen::closeConnection);
                int closed = g.conns.size();
                groups.remove(r.path("group").asText(""));
                yield Json.object().put("closed", closed);
            }
            case "stats" -> stats();
            case "exit" -> Json.object();
            default -> throw new IllegalArgumentException("unknown op " + op);
        };
    }

    private ObjectNode stats() {
        long open = groups.values().stream().flatMap(g -> g.conns.stream()).filter(c -> c.open).count();
        return Json.object().put("open", open).put("protocolErrors", gen.protocolErrors()).put("unexpectedFrames", gen.unexpectedFrames())
                .put("pongs", gen.pongsSent()).put("inflated", gen.inflatedMessages());
    }

    private static LoadGenerator.Probe serverProbe(long pid) {
        return pid <= 0 ? () -> 0 : () -> Proc.cpuNanos(pid);
    }

    /** An IPv4 literal (never a name: no lookup). */
    private static InetAddress address(String literal) {
        if (!literal.matches("\\d{1,3}(\\.\\d{1,3}){3}")) throw new IllegalArgumentException("not an IPv4 address: " + literal);
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalArgumentException("not an address: " + literal, e);
        }
    }
}
