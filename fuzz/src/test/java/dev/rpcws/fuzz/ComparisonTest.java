package dev.rpcws.fuzz;

import dev.rpcws.fuzz.Session.Send;
import dev.rpcws.fuzz.Session.Text;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The comparison applies the normalisers and nothing else: a rewritten frame still differs by any other byte. */
class ComparisonTest {
    private static final Session ONE_FRAME = new Session(0, 0, List.of("/"),
            List.of(new Send(0, new Text("{\"jsonrpc\":\"2.0\",\"method\":\"update\",\"id\":\"\\ud800\"}"))));

    @Test void aNormaliserExplainsItsDeviation() {
        Comparison c = compare("{\"jsonrpc\":\"2.0\",\"id\":\"\\ud800\"}", "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":\"\\ud800\"}");
        assertThat(c.difference).isNull();
        assertThat(c.fired).containsEntry(Deviation.D1, 1);
    }

    @Test void aRewrittenFrameStillDiffersByItsOtherBytes() {
        // D1 rewrites the reference's frame, but the id's escape differs too: V8 writes lower case.
        Comparison c = compare("{\"jsonrpc\":\"2.0\",\"id\":\"\\ud800\"}", "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":\"\\uD800\"}");
        assertThat(c.difference).isNotNull();
        // Spelled differently, same value: the raw bytes differ, so no normaliser makes them equal.
        assertThat(compare("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":1}", "{\"jsonrpc\":\"2.0\",\"result\":1.0,\"id\":1}").difference).isNotNull();
    }

    /** D3 in a batch: the reference skips an inherited name's notification, rpcws answers it with -32601, id null. */
    @Test void aBatchLosesExactlyTheErrorsOfItsInheritedNotifications() {
        String notFound = "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":null}";
        String three = "{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":1}";
        Session batch = new Session(0, 0, List.of("/"), List.of(new Send(0, new Session.Batch(List.of(
                "{\"jsonrpc\":\"2.0\",\"method\":\"valueOf\"}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2],\"id\":1}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}")))));
        Observation reference = observation(batch, List.of(List.of("[" + three + "," + notFound + "]")));
        assertThat(Comparison.of(batch, reference, observation(batch, List.of(List.of("[" + notFound + "," + three + "," + notFound + "]")))).difference)
                .isNull();
        assertThat(Comparison.of(batch, reference, observation(batch, List.of(List.of("[" + notFound + "," + notFound + "," + three + "," + notFound + "]")))).difference)
                .as("one -32601 more than the batch had such notifications").isNotNull();
        assertThat(Comparison.of(batch, reference, observation(batch, List.of(List.of("[" + notFound + "," + three + "]")))).difference)
                .as("the unknown method's error missing").isNotNull();
    }

    @Test void socketIdsCompareByOrderOfAppearance() {
        String a = "\"0b6c3a4e-8f5d-4a7b-9c1d-2e3f4a5b6c7d\"", b = "\"1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b\"";
        Session two = new Session(0, 0, List.of("/", "/"), List.of(new Send(0, new Text("{}")), new Send(1, new Text("{}"))));
        Observation ref = observation(two, List.of(List.of(reply(a)), List.of()), List.of(List.of(), List.of(reply(b))));
        Observation same = observation(two, List.of(List.of(reply(b)), List.of()), List.of(List.of(), List.of(reply(a))));
        Observation swapped = observation(two, List.of(List.of(reply(a)), List.of()), List.of(List.of(), List.of(reply(a))));
        assertThat(Comparison.of(two, ref, same).difference).isNull();
        assertThat(Comparison.of(two, ref, swapped).difference).as("two connections, one id").isNotNull();
    }

    private static String reply(String result) {
        return "{\"jsonrpc\":\"2.0\",\"result\":" + result + ",\"id\":1}";
    }

    private static Comparison compare(String reference, String jetty) {
        return Comparison.of(ONE_FRAME, observation(ONE_FRAME, List.of(List.of(reference))), observation(ONE_FRAME, List.of(List.of(jetty))));
    }

    /** An observation of {@code s}: per step, per connection, the frames received. */
    @SafeVarargs
    private static Observation observation(Session s, List<List<String>>... steps) {
        Observation o = new Observation("test");
        for (int c = 0; c < s.connections().size(); c++) o.opened.add(null);
        for (List<List<String>> step : steps) {
            List<List<String>> copy = new ArrayList<>();
            step.forEach(frames -> copy.add(new ArrayList<>(frames)));
            o.steps.add(copy);
            o.admin.add(null);
        }
        return o;
    }
}
