package dev.rpcws.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** A server method. */
@FunctionalInterface
public interface MethodHandler {
    /**
     * Handles one call or notification.
     *
     * @param params the request's params exactly as sent: Java {@code null} when absent, {@code NullNode} when {@code null}
     * @param context the caller: socket id, namespace, login state
     * @return the result (a JsonNode or any value Jackson can convert), {@code null} for none, or a
     *     {@link java.util.concurrent.CompletionStage} of either for an asynchronous method
     * @throws Exception an {@link RpcException} to answer with that error; any other exception answers
     *     {@code {"code":-32000,"message":"Error","data":"Internal error"}} and is reported to the server
     *     ({@link Peer#handlerFailed}), never its message to the client
     */
    Object handle(JsonNode params, CallContext context) throws Exception;
}
