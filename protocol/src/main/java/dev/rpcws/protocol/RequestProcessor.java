package dev.rpcws.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * The reference server's request rules (protocol reference 3.2 and 3.3), without I/O: a frame in, the
 * reply frame out ({@code null} when the reference sends none). Frames may be processed concurrently;
 * the elements of one batch run one after another, as the reference runs them.
 */
public final class RequestProcessor {
    /** The reference has no bound; one keeps a single frame from queueing unbounded work. */
    public static final int DEFAULT_MAX_BATCH = 1000;

    private static final CompletableFuture<JsonNode> NO_REPLY = CompletableFuture.completedFuture(null);

    private final int maxBatch;

    /** Rules with batches of at most {@link #DEFAULT_MAX_BATCH} requests. */
    public RequestProcessor() {
        this(DEFAULT_MAX_BATCH);
    }

    /** @param maxBatch longer batches get one {@code -32600} error */
    public RequestProcessor(int maxBatch) {
        this.maxBatch = maxBatch;
    }

    /**
     * Processes one text (or UTF-8 decoded binary) frame.
     *
     * @param frame the frame's text
     * @param peer the connection it arrived on
     * @return the reply frame once every handler finished; {@code null} when the reference sends none. Never fails.
     */
    public CompletableFuture<JsonNode> process(String frame, Peer peer) {
        return process(read(frame, peer), peer);
    }

    /**
     * Parses a frame and finds out whether processing it may block (see {@link Incoming}); nothing runs yet.
     *
     * @param frame the frame's text
     * @param peer the connection it arrived on, whose namespace has the methods it calls
     * @return the frame as read
     */
    public Incoming read(String frame, Peer peer) {
        JsonNode tree;
        try {
            tree = Json.parse(frame);
        } catch (Json.JsonSyntaxException e) {
            return new Incoming(null, e.getMessage(), false);
        }
        return new Incoming(tree, null, mayBlock(tree, peer));
    }

    /**
     * Processes a frame read by {@link #read}.
     *
     * @param frame the frame as read
     * @param peer the connection it arrived on
     * @return the reply frame once every handler finished; {@code null} when the reference sends none. Never fails.
     */
    public CompletableFuture<JsonNode> process(Incoming frame, Peer peer) {
        if (frame.tree() == null) return reply(Frames.error(RpcErrors.parseError(frame.syntaxError()), null));
        return process(frame.tree(), peer);
    }

    /**
     * Processes one decoded frame: a request, a notification or a batch.
     *
     * @param frame the frame's tree
     * @param peer the connection it arrived on
     * @return the reply frame once every handler finished; {@code null} when the reference sends none. Never fails.
     */
    public CompletableFuture<JsonNode> process(JsonNode frame, Peer peer) {
        if (!frame.isArray()) return processOne(frame, peer);
        if (frame.isEmpty()) return reply(Frames.error(RpcErrors.invalidRequest("Invalid array"), null));
        if (frame.size() > maxBatch) {
            return reply(Frames.error(RpcErrors.invalidRequest("Batch too large: at most " + maxBatch + " requests"), null));
        }
        ArrayNode replies = Json.array();
        CompletableFuture<JsonNode> done = new CompletableFuture<>();
        runBatch((ArrayNode) frame, 0, peer, replies, done);
        return done;
    }

    /** Runs elements from {@code next} on; loops while they finish at once, continues asynchronously otherwise. */
    private void runBatch(ArrayNode batch, int next, Peer peer, ArrayNode replies, CompletableFuture<JsonNode> done) {
        for (int i = next; i < batch.size(); i++) {
            CompletableFuture<JsonNode> r = processOne(batch.get(i), peer);
            if (!r.isDone()) {
                int following = i + 1;
                r.whenComplete((reply, err) -> {
                    if (reply != null) replies.add(reply);
                    runBatch(batch, following, peer, replies, done);
                });
                return;
            }
            JsonNode reply = r.join(); // processOne never completes exceptionally
            if (reply != null) replies.add(reply);
        }
        done.complete(replies.isEmpty() ? null : replies);
    }

    /**
     * Whether a frame may call a handler that blocks: a method registered in the peer's namespace and not
     * declared non-blocking. What is answered without a handler (errors, {@code rpc.on}, {@code rpc.off}) never
     * blocks. Checking protection is left to processing: a call refused there blocks nothing either.
     */
    private boolean mayBlock(JsonNode frame, Peer peer) {
        if (!frame.isArray()) return callsBlockingHandler(frame, peer);
        if (frame.size() > maxBatch) return false; // refused whole
        for (JsonNode element : frame) {
            if (callsBlockingHandler(element, peer)) return true;
        }
        return false;
    }

    private static boolean callsBlockingHandler(JsonNode m, Peer peer) {
        JsonNode method = m.get("method");
        if (method == null || !method.isTextual()) return false;
        String name = method.textValue();
        if (name.equals(Wire.SUBSCRIBE) || name.equals(Wire.UNSUBSCRIBE)) return false;
        Peer.Method target = peer.method(name);
        return target != null && target.mayBlock();
    }

    private CompletableFuture<JsonNode> processOne(JsonNode m, Peer peer) {
        if (m == null || !(m.isObject() || m.isArray())) return reply(Frames.error(RpcErrors.invalidRequest(), null));
        JsonNode id = m.get("id");
        JsonNode replyId = Js.truthy(id) ? id : null;

        JsonNode version = m.get("jsonrpc");
        if (version == null || !version.isTextual() || !"2.0".equals(version.textValue())) {
            return reply(Frames.error(RpcErrors.invalidRequest("Invalid JSON RPC version"), replyId));
        }
        JsonNode method = m.get("method");
        if (!Js.truthy(method)) return reply(Frames.error(RpcErrors.invalidParams("Method not specified"), replyId));
        if (!method.isTextual()) return reply(Frames.error(RpcErrors.invalidRequest("Invalid method name"), replyId));
        JsonNode params = m.get("params");
        if (params != null && params.isTextual() && !params.textValue().isEmpty()) {
            return reply(Frames.error(RpcErrors.invalidRequest(), replyId));
        }

        String name = method.textValue();
        switch (name) {
            case Wire.SUBSCRIBE: return reply(subscribe(params, replyId, peer));
            case Wire.UNSUBSCRIBE: return reply(unsubscribe(params, replyId, peer));
            case Wire.LOGIN:
                if (!Js.truthy(params)) return reply(Frames.error(RpcErrors.paramsNotFound(), replyId));
                break;
            default:
        }
        Peer.Method target = peer.method(name);
        if (target == null) return reply(Frames.error(RpcErrors.methodNotFound(), replyId));
        if (target.isProtected() && !peer.loggedIn()) return reply(Frames.error(RpcErrors.methodForbidden(), replyId));
        return invoke(name, target.handler(), params, replyId, peer);
    }

    private CompletableFuture<JsonNode> invoke(String name, MethodHandler handler, JsonNode params, JsonNode id, Peer peer) {
        Object value;
        try {
            value = handler.handle(params, peer);
        } catch (Throwable t) {
            return reply(outcome(name, null, t, id, peer));
        }
        if (value instanceof CompletionStage<?> stage) {
            return stage.toCompletableFuture().handle((v, failure) -> outcome(name, v, failure, id, peer));
        }
        return reply(outcome(name, value, null, id, peer)); // synchronous: answered on this thread, no stage chain
    }

    /** The reply to a handler's outcome, or null for a notification (executed, never answered). */
    private static JsonNode outcome(String name, Object value, Throwable failure, JsonNode id, Peer peer) {
        boolean login = Wire.LOGIN.equals(name);
        if (id == null && !login && failure == null) return null; // nothing to answer, nothing to report
        JsonNode result = null;
        if (failure == null) {
            try {
                result = Json.toNode(value);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        Throwable cause = failure == null ? null : unwrap(failure);
        if (cause != null && !(cause instanceof RpcException)) peer.handlerFailed(name, cause);
        // Only rpc.login logs in, and only when its handler returned exactly true (the reference's `response === true`).
        boolean authenticated = login && cause == null && result != null && result.isBoolean() && result.booleanValue();
        if (login && !authenticated) peer.loginFailed();
        if (id == null) return null; // a login sent as a notification never logs in
        if (cause != null) return Frames.error(errorFor(cause, login), id);
        if (authenticated) peer.logIn();
        return Frames.result(result, id);
    }

    /**
     * What a failed handler answers: an {@link RpcException}'s own error, the API for errors a client should read;
     * for anything else a fixed text, since exception messages are for operators (deviations D9 and D12).
     */
    private static JsonNode errorFor(Throwable cause, boolean login) {
        if (cause instanceof RpcException rpc) return rpc.error();
        return login ? RpcErrors.authenticationFailed() : RpcErrors.internalError();
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
        return t;
    }

    /**
     * {@code rpc.on}: always answered; a protected event before login aborts the rest of the list. The reference
     * finds an event by strict equality among the declared names, so only a string element can name one
     * ({@code ["newsUpdate"]} as an element does not), and reports each element under its {@code String()}.
     */
    private static ObjectNode subscribe(JsonNode params, JsonNode id, Peer peer) {
        if (!Js.truthy(params)) return Frames.error(RpcErrors.eventNotProvided(), id);
        if (!params.isArray()) return Frames.error(RpcErrors.invalidParams("Event names must be an array"), id);
        ObjectNode statuses = Json.object();
        for (JsonNode element : params) {
            String key = Js.string(element);
            Peer.Event declared = element.isTextual() ? peer.event(element.textValue()) : null;
            if (declared == null) {
                putStatus(statuses, key, Wire.STATUS_EVENT_INVALID);
            } else if (declared.isProtected() && !peer.loggedIn()) {
                return Frames.error(RpcErrors.eventForbidden(), id);
            } else {
                putStatus(statuses, key, peer.subscribe(key) ? Wire.STATUS_OK : Wire.STATUS_ALREADY_SUBSCRIBED);
            }
        }
        return Frames.result(statuses, id);
    }

    /**
     * {@code rpc.off}: always answered, no login needed. The reference looks the event up as a property key, so an
     * element names the event its {@code String()} spells ({@code ["newsUpdate"]} does).
     */
    private static ObjectNode unsubscribe(JsonNode params, JsonNode id, Peer peer) {
        if (!Js.truthy(params)) return Frames.error(RpcErrors.eventNotProvided(), id);
        if (!params.isArray()) return Frames.error(RpcErrors.invalidParams("Event names must be an array"), id);
        ObjectNode statuses = Json.object();
        for (JsonNode element : params) {
            String key = Js.string(element);
            if (peer.event(key) == null) putStatus(statuses, key, Wire.STATUS_EVENT_INVALID);
            else putStatus(statuses, key, peer.unsubscribe(key) ? Wire.STATUS_OK : Wire.STATUS_NOT_SUBSCRIBED);
        }
        return Frames.result(statuses, id);
    }

    /** The reference's statuses are a plain JavaScript object, where setting {@code __proto__} to a string does nothing. */
    private static void putStatus(ObjectNode statuses, String event, String status) {
        if (!"__proto__".equals(event)) statuses.put(event, status);
    }

    private static CompletableFuture<JsonNode> reply(JsonNode frame) {
        return frame == null ? NO_REPLY : CompletableFuture.completedFuture(frame);
    }
}
