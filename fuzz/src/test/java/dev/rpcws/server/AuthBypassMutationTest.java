package dev.rpcws.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.fuzz.Fuzzer;
import dev.rpcws.fuzz.SessionGenerator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The differential fuzzer finds the authentication bypass the project once shipped (any public method whose
 * result is {@code true} logged its caller in), put back around the protocol core through RpcServer's
 * package-private test seam. The fuzzer knows nothing of this defect: it only compares with the reference.
 */
class AuthBypassMutationTest {
    @Test void theFuzzerFindsTheAuthenticationBypass() {
        RpcServer bypassed = new RpcServer(ServerOptions.builder().port(0).adminPort(0).build(), core -> (frame, peer) ->
                core.apply(frame, peer).thenApply(reply -> {
                    if (answersTrue(reply)) peer.logIn(); // the defect
                    return reply;
                }));
        try (Fuzzer fuzzer = new Fuzzer(InProcessJetty.start(bypassed, server -> { }), System.out)) {
            Fuzzer.Report report = fuzzer.run(1, 0, 1000, SessionGenerator.DEFAULT_MAX_STEPS, false, null);
            System.out.println(report.summary());
            assertThat(report.failures).as("the fuzzer stops at the first unexplained difference").hasSize(1);
            Fuzzer.Finding found = report.failures.get(0);
            assertThat(found.what()).isEqualTo("unexplained difference");
            assertThat(found.detail()).as("the reference refuses what the bypassed server allows").containsAnyOf("Method forbidden", "Event forbidden");
            assertThat(found.session().steps()).as("shrunk: a call answered true, then a protected call or event").hasSizeLessThanOrEqualTo(3);
        }
    }

    /** A reply, or any reply of a batch, whose result is {@code true}. */
    private static boolean answersTrue(JsonNode reply) {
        if (reply == null) return false;
        if (reply.isArray()) {
            for (JsonNode r : reply) {
                if (r.path("result").isBoolean() && r.get("result").booleanValue()) return true;
            }
            return false;
        }
        return reply.path("result").isBoolean() && reply.get("result").booleanValue();
    }
}
