package dev.rpcws.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.client.InboundClassifier;
import dev.rpcws.protocol.client.Inbound;
import dev.rpcws.protocol.client.PendingCalls;
import dev.rpcws.protocol.client.Requests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static dev.rpcws.client.RpcClientException.Kind.CONNECTION_LOST;
import static dev.rpcws.client.RpcClientException.Kind.ENCODE_FAILED;
import static dev.rpcws.client.RpcClientException.Kind.MALFORMED_REPLY;
import static dev.rpcws.client.RpcClientException.Kind.NOT_CONNECTED;
import static dev.rpcws.client.RpcClientException.Kind.TIMEOUT;

/**
 * Calls and notifications (docs/client-behaviour.md, "Calls"): encoding, the way through the connection state
 * (sent when connected, waiting for it or failing otherwise), per-call timeouts, and the replies. The futures
 * returned here complete on I/O and timer threads; {@link RpcClient} hands them to the callback executor.
 */
final class Calls {
    private static final Logger LOG = LoggerFactory.getLogger(Calls.class);

    /** A call awaiting its reply on {@code link}. */
    record Call(long id, String method, CompletableFuture<JsonNode> reply, WebSocketLink link) {}

    /** A frame ready to go: a call ({@code id > 0}) or a notification ({@code id == 0}). */
    private record Outgoing(String method, long id, String frame) {}

    private final PendingCalls<Call> pending = new PendingCalls<>();
    private final Lifecycle lifecycle;
    private final Duration defaultTimeout;

    Calls(Lifecycle lifecycle, Duration defaultTimeout) {
        this.lifecycle = lifecycle;
        this.defaultTimeout = defaultTimeout;
    }

    /** The calls awaiting replies, for the {@link dev.rpcws.protocol.client.InboundClassifier} that matches them. */
    PendingCalls<Call> pending() {
        return pending;
    }

    // ---- sending ----

    /** A call through the connection state; {@code timeout} null means the default, zero waits forever. */
    CompletableFuture<JsonNode> call(String method, Object params, Duration timeout) {
        return send(null, method, params, timeout, true);
    }

    /** A call on one particular connection whatever the state: the restore steps before CONNECTED. */
    CompletableFuture<JsonNode> callOn(WebSocketLink via, String method, Object params) {
        return send(via, method, params, null, true);
    }

    /** A notification (no id, no reply) through the connection state; completes once written. */
    CompletableFuture<Void> notify(String method, Object params) {
        return send(null, method, params, null, false).thenApply(x -> null);
    }

    /** Encodes, arms the timeout, and sends on {@code via}, or through the connection state when it is null. */
    private CompletableFuture<JsonNode> send(WebSocketLink via, String method, Object params, Duration timeout, boolean expectsReply) {
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        Outgoing out = encode(method, params, expectsReply, reply);
        if (out == null) return reply;
        armTimeout(reply, method, timeout);
        if (via == null) route(out, reply);
        else transmit(via, out, reply);
        return reply;
    }

    /** The frame, or null when {@code params} cannot be encoded: then {@code reply} has failed and nothing is sent. */
    private Outgoing encode(String method, Object params, boolean expectsReply, CompletableFuture<JsonNode> reply) {
        try {
            JsonNode p = Requests.params(params);
            if (!expectsReply) return new Outgoing(method, 0, Requests.notification(method, p));
            long id = pending.nextId();
            return new Outgoing(method, id, Requests.call(method, p, id));
        } catch (RuntimeException e) { // the params' conversion or check, or the codec's own limits (nesting depth)
            reply.completeExceptionally(encodeFailed(method, e));
            return null;
        }
    }

    static RpcClientException encodeFailed(String method, RuntimeException e) {
        return new RpcClientException(ENCODE_FAILED, method, method + ": the params cannot be sent: " + e.getMessage(), null, e);
    }

    private void route(Outgoing out, CompletableFuture<JsonNode> reply) {
        if (reply.isDone()) return; // timed out or cancelled while waiting for a connection
        Lifecycle.Route route = lifecycle.route();
        if (route instanceof Lifecycle.Route.Open open) {
            transmit(open.link(), out, reply);
        } else if (route instanceof Lifecycle.Route.Wait wait) {
            wait.connected().whenComplete((ok, failure) -> {
                if (failure == null) route(out, reply);
                else reply.completeExceptionally(new RpcClientException(NOT_CONNECTED, out.method(),
                        out.method() + ": the client gave up connecting", null, Callbacks.unwrap(failure)));
            });
        } else {
            ClientState state = ((Lifecycle.Route.Refused) route).state();
            reply.completeExceptionally(new RpcClientException(NOT_CONNECTED, out.method(), out.method() + ": not connected (" + state + ")"));
        }
    }

    private void transmit(WebSocketLink via, Outgoing out, CompletableFuture<JsonNode> reply) {
        String method = out.method();
        if (out.id() == 0) {
            if (!lifecycle.isCurrent(via)) {
                reply.completeExceptionally(new RpcClientException(CONNECTION_LOST, method, method + ": the connection was lost"));
                return;
            }
            via.send(out.frame()).whenComplete((written, failure) -> {
                if (failure == null) reply.complete(null);
                else reply.completeExceptionally(unsent(method, failure));
            });
            return;
        }
        long id = out.id();
        // Tracked before the link is checked: a drop either finds this call and fails it, or came first and
        // the check below fails it. Whoever removes it from the table fails it, so it fails once.
        pending.track(id, new Call(id, method, reply, via));
        reply.whenComplete((r, e) -> pending.forget(id)); // timeouts and cancellations forget the call
        if (!lifecycle.isCurrent(via)) {
            if (pending.forget(id) != null) {
                reply.completeExceptionally(new RpcClientException(CONNECTION_LOST, method, method + ": the connection was lost"));
            }
            return;
        }
        via.send(out.frame()).whenComplete((written, failure) -> {
            if (failure != null && pending.forget(id) != null) reply.completeExceptionally(unsent(method, failure));
        });
    }

    private static RpcClientException unsent(String method, Throwable failure) {
        return new RpcClientException(CONNECTION_LOST, method, method + ": the frame could not be sent", null, failure);
    }

    private void armTimeout(CompletableFuture<JsonNode> reply, String method, Duration timeout) {
        Duration t = timeout != null ? timeout : defaultTimeout;
        if (t.isZero() || t.isNegative()) return;
        ScheduledFuture<?> timer = ClientThreads.TIMERS.schedule(() -> reply.completeExceptionally(
                new RpcClientException(TIMEOUT, method, method + ": no reply within " + t.toMillis() + " ms")),
                t.toMillis(), TimeUnit.MILLISECONDS);
        reply.whenComplete((r, e) -> timer.cancel(false));
    }

    // ---- receiving ----

    /** Acts on what a frame meant for the calls: settles one, or logs why it was dropped. Events are not for here. */
    void settle(Inbound<Call> in) {
        if (in instanceof Inbound.Result<Call> r) {
            r.call().reply().complete(r.result());
        } else if (in instanceof Inbound.ErrorReply<Call> r) {
            r.call().reply().completeExceptionally(new RpcCallException(r.call().method(), r.error()));
        } else if (in instanceof Inbound.Malformed<Call> m) {
            String method = m.call().method();
            m.call().reply().completeExceptionally(new RpcClientException(MALFORMED_REPLY, method,
                    method + ": " + InboundClassifier.MALFORMED, m.frame(), null));
        } else if (in instanceof Inbound.Dropped<Call> d) {
            LOG.debug("dropped a frame from {}: {}", lifecycle.uri(), d.why());
        } else {
            throw new IllegalArgumentException("not a reply: " + in);
        }
    }

    /** Fails the calls pending on {@code link} (every pending call when null): that connection is gone. */
    void lost(WebSocketLink link, String why) {
        for (Call call : pending.forgetAll(c -> link == null || c.link() == link)) {
            call.reply().completeExceptionally(new RpcClientException(CONNECTION_LOST, call.method(), call.method() + ": " + why));
        }
    }
}
