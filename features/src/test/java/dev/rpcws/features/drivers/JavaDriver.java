package dev.rpcws.features.drivers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.client.ClientState;
import dev.rpcws.client.ConnectionListener;
import dev.rpcws.client.RpcCallException;
import dev.rpcws.client.RpcClient;
import dev.rpcws.client.RpcClientException;
import dev.rpcws.protocol.Json;
import dev.rpcws.testkit.Poll;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The Java SDK, in this JVM. */
public final class JavaDriver implements ClientDriver {
    private static final Duration OPERATION_LIMIT = Duration.ofSeconds(30);

    @Override public String language() { return "java"; }
    @Override public String runtime() { return "in the test JVM, Java " + Runtime.version(); }

    @Override public ClientSession connect(URI url, ObjectNode options) {
        Session s = new Session();
        RpcClient.Builder b = RpcClient.builder(url).listener(s);
        if (options.has("reconnect")) b.reconnect(options.get("reconnect").asBoolean());
        if (options.has("reconnectInterval")) b.reconnectInterval(Duration.ofMillis(options.get("reconnectInterval").asLong()));
        if (options.has("maxReconnects")) b.maxReconnects(options.get("maxReconnects").asInt());
        if (options.has("callTimeoutMs")) b.callTimeout(Duration.ofMillis(options.get("callTimeoutMs").asLong()));
        if (options.has("restoreOnReconnect")) b.restoreOnReconnect(options.get("restoreOnReconnect").asBoolean());
        if (options.has("pingIntervalMs")) b.pingInterval(Duration.ofMillis(options.get("pingIntervalMs").asLong()));
        if (options.has("pongTimeoutMs")) b.pongTimeout(Duration.ofMillis(options.get("pongTimeoutMs").asLong()));
        if (options.has("headers")) options.get("headers").fields().forEachRemaining(h -> b.header(h.getKey(), h.getValue().asText()));
        if (options.has("caPem")) b.sslContext(trusting(options.get("caPem").asText()));
        s.client = b.build();
        await(s.client.connect());
        return s;
    }

    /** An SSL context that trusts exactly one CA certificate, given as PEM text (the agents' {@code caPem}). */
    private static SSLContext trusting(String caPem) {
        try (InputStream in = new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII))) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot trust the given CA certificate", e);
        }
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(OPERATION_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new CompletionException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs an SDK operation and returns the control API's envelope for its outcome. */
    private static JsonNode outcome(Supplier<CompletableFuture<JsonNode>> operation) {
        try {
            return Json.object().set("result", orNull(await(operation.get())));
        } catch (CompletionException e) {
            return Json.object().set("error", error(e.getCause()));
        } catch (RuntimeException e) {
            return Json.object().set("error", error(e));
        }
    }

    private static JsonNode orNull(JsonNode v) {
        return v == null ? Json.object().nullNode() : v;
    }

    private static ObjectNode error(Throwable t) {
        if (t instanceof RpcCallException call) {
            if (!call.isErrorObject()) return Json.object().put("kind", "rpc-raw").set("value", call.error());
            ObjectNode e = Json.object().put("kind", "rpc");
            call.error().fields().forEachRemaining(f -> e.set(f.getKey(), f.getValue()));
            return e;
        }
        if (t instanceof RpcClientException c) {
            ObjectNode e = Json.object().put("kind", switch (c.kind()) {
                case TIMEOUT -> "timeout";
                case CONNECTION_LOST, NOT_CONNECTED, CONNECT_FAILED -> "connection";
                case AUTH_FAILED -> "auth";
                case SUBSCRIPTION_FAILED -> "subscription";
                case MALFORMED_REPLY -> "malformed";
                default -> "other";
            }).put("message", c.getMessage());
            if (c.kind() == RpcClientException.Kind.SUBSCRIPTION_FAILED && c.detail() != null && c.detail().isObject()) {
                c.detail().fields().forEachRemaining(f -> e.put("status", f.getValue().asText()));
            }
            return e;
        }
        return Json.object().put("kind", "other").put("message", String.valueOf(t));
    }

    private static final class Session implements ClientSession, ConnectionListener {
        private final List<Event> events = new CopyOnWriteArrayList<>();
        private final List<JsonNode> log = new CopyOnWriteArrayList<>();
        private volatile RpcClient client;

        @Override public JsonNode call(String method, JsonNode params, Duration timeout) {
            return outcome(() -> timeout == null ? client.call(method, params) : client.call(method, params, timeout));
        }

        @Override public JsonNode notify(String method, JsonNode params) {
            return outcome(() -> client.notify(method, params).thenApply(v -> null));
        }

        @Override public JsonNode subscribe(String event) {
            return outcome(() -> client.subscribe(event, e -> events.add(new Event(e.name(), e.args()))).thenApply(s -> status(event)));
        }

        @Override public JsonNode unsubscribe(String event) {
            return outcome(() -> client.unsubscribe(event).thenApply(v -> status(event)));
        }

        private static JsonNode status(String event) {
            return Json.object().put(event, "ok");
        }

        @Override public JsonNode login(JsonNode params) {
            return outcome(() -> client.login(params));
        }

        @Override public List<Event> events(String event, int atLeast, Duration wait) {
            try {
                Poll.until(atLeast + " " + event + " events", wait, () -> matching(event).size() >= atLeast);
            } catch (AssertionError notYet) {
                // like the agents: answer with what arrived
            }
            return matching(event);
        }

        private List<Event> matching(String event) {
            List<Event> out = new ArrayList<>();
            for (Event e : events) if (event == null || e.name().equals(event)) out.add(e);
            return out;
        }

        @Override public List<JsonNode> lifecycle(String type, int atLeast, Duration wait) {
            try {
                Poll.until(atLeast + " " + type + " entries", wait,
                        () -> type == null ? log.size() >= atLeast : log.stream().filter(e -> e.get("type").asText().equals(type)).count() >= atLeast);
            } catch (AssertionError notYet) {
                // like the agents: answer with what was logged
            }
            return List.copyOf(log);
        }

        @Override public String state() {
            ClientState s = client.state();
            return s == ClientState.DISCONNECTED ? "closed" : s.name().toLowerCase();
        }

        @Override public void pause() {
            throw new UnsupportedOperationException("the Java SDK has no switch to stop reading its socket");
        }

        @Override public void resume() {
            throw new UnsupportedOperationException("the Java SDK has no switch to stop reading its socket");
        }

        @Override public void close() {
            client.close();
        }

        private void record(ObjectNode entry) {
            log.add(entry);
        }

        @Override public void onOpen() { record(Json.object().put("type", "open")); }
        @Override public void onClose(int code, String reason) { record(Json.object().put("type", "close").put("code", code).put("reason", reason)); }
        @Override public void onError(Throwable cause) { record(Json.object().put("type", "error").put("message", String.valueOf(cause))); }
        @Override public void onReconnecting(int attempt, Duration delay) {
            record(Json.object().put("type", "reconnecting").put("attempt", attempt).put("delayMs", delay.toMillis()));
        }
        @Override public void onReconnected(boolean missed) { record(Json.object().put("type", "reconnected").put("eventsMayHaveBeenMissed", missed)); }
        @Override public void onMaxReconnectsReached(int code, String reason) {
            record(Json.object().put("type", "maxReconnectsReached").put("code", code).put("reason", reason));
        }
    }
}
