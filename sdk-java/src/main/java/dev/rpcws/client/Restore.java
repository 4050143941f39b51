package dev.rpcws.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.Js;
import dev.rpcws.protocol.Wire;
import dev.rpcws.protocol.client.Requests;

import java.util.concurrent.CompletableFuture;

import static dev.rpcws.client.RpcClientException.Kind.AUTH_FAILED;
import static dev.rpcws.client.RpcClientException.Kind.RESTORE_FAILED;

/**
 * The login and what a fresh connection gets back (docs/client-behaviour.md, "Reconnect and restore"): the
 * params of the last successful {@code rpc.login} are remembered; on a fresh connection they are sent again,
 * then every subscribed event is subscribed again, before the application hears {@code open}. A step that
 * fails is reported to {@code onError} ({@link RpcClientException.Kind#RESTORE_FAILED}) and the connection stays up.
 */
final class Restore {
    private final Lifecycle lifecycle;
    private final Calls calls;
    private final Subscriptions subscriptions;
    private final Callbacks callbacks;
    /** The params of the last successful login, sent again after a reconnect. */
    private volatile JsonNode loginParams;

    Restore(Lifecycle lifecycle, Calls calls, Subscriptions subscriptions, Callbacks callbacks) {
        this.lifecycle = lifecycle;
        this.calls = calls;
        this.subscriptions = subscriptions;
        this.callbacks = callbacks;
    }

    /** See {@link RpcClient#login}. */
    CompletableFuture<JsonNode> login(Object params) {
        JsonNode p;
        try {
            p = Requests.params(params); // converted once: what is sent is what is remembered
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(Calls.encodeFailed(Wire.LOGIN, e));
        }
        return calls.call(Wire.LOGIN, p, null).thenApply(result -> {
            requireTruthy(result);
            loginParams = p;
            return result;
        });
    }

    /** Logs in again on {@code via}, then subscribes again; failures are reported, not fatal. */
    CompletableFuture<Void> run(WebSocketLink via) {
        JsonNode login = loginParams;
        CompletableFuture<Void> loggedIn = login == null ? CompletableFuture.completedFuture(null)
                : calls.callOn(via, Wire.LOGIN, login).handle((result, failure) -> {
                    if (failure == null) {
                        try {
                            requireTruthy(result);
                        } catch (RpcClientException refused) {
                            failure = refused;
                        }
                    }
                    if (failure != null) failed(via, "logging in again failed", failure);
                    return null;
                });
        return loggedIn.thenCompose(x -> subscriptions.restore(via,
                (event, failure) -> failed(via, "subscribing to '" + event + "' again failed", failure)));
    }

    /** A falsy result is a refused login (the reference's rule). */
    private static void requireTruthy(JsonNode result) {
        if (!Js.truthy(result)) throw new RpcClientException(AUTH_FAILED, Wire.LOGIN, "authentication failed", result, null);
    }

    private void failed(WebSocketLink via, String what, Throwable failure) {
        if (!lifecycle.isCurrent(via)) return; // the connection is gone: its drop is reported instead
        Throwable cause = Callbacks.unwrap(failure);
        callbacks.emit(l -> l.onError(new RpcClientException(RESTORE_FAILED, null, what + ": " + cause.getMessage(), null, cause)));
    }
}
