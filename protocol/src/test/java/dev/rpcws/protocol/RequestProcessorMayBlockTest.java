package dev.rpcws.protocol;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which frames may call a handler that was not declared non-blocking. */
class RequestProcessorMayBlockTest {
    private record M(boolean isNonBlocking) implements Peer.Method {
        @Override public MethodHandler handler() { return (p, c) -> null; }
        @Override public boolean isProtected() { return false; }
    }

    private static final Map<String, Peer.Method> METHODS = Map.of("fast", new M(true), "slow", new M(false));

    private static final Peer PEER = new Peer() {
        @Override public Method method(String name) { return METHODS.get(name); }
        @Override public Event event(String name) { return null; }
        @Override public void logIn() {}
        @Override public boolean subscribe(String event) { return false; }
        @Override public boolean unsubscribe(String event) { return false; }
        @Override public String socketId() { return "s"; }
        @Override public String namespace() { return "/"; }
        @Override public boolean loggedIn() { return false; }
    };

    private static boolean mayBlock(String frame) throws Json.JsonSyntaxException {
        return RequestProcessor.mayBlock(Json.parse(frame), PEER);
    }

    @Test
    void onlyRegisteredMethodsNotDeclaredNonBlockingMayBlock() throws Exception {
        assertThat(mayBlock("{\"jsonrpc\":\"2.0\",\"method\":\"slow\",\"id\":1}")).isTrue();
        assertThat(mayBlock("{\"jsonrpc\":\"2.0\",\"method\":\"fast\",\"id\":1}")).isFalse();
        assertThat(mayBlock("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"x\"],\"id\":1}")).isFalse();
        assertThat(mayBlock("{\"jsonrpc\":\"2.0\",\"method\":\"missing\",\"id\":1}")).isFalse();
        assertThat(mayBlock("{\"jsonrpc\":\"2.0\",\"method\":42,\"id\":1}")).isFalse();
        assertThat(mayBlock("\"just a string\"")).isFalse();
        assertThat(mayBlock("[1,{\"method\":\"fast\"},[]]")).isFalse();
        assertThat(mayBlock("[{\"method\":\"fast\"},{\"method\":\"slow\"}]")).isTrue();
    }
}
