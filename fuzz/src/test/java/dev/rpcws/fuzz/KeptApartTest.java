package dev.rpcws.fuzz;

import dev.rpcws.fuzz.Session.Batch;
import dev.rpcws.fuzz.Session.Close;
import dev.rpcws.fuzz.Session.Send;
import dev.rpcws.fuzz.Session.Step;
import dev.rpcws.fuzz.Session.Text;
import dev.rpcws.server.InProcessJetty;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.ProcessServer;
import dev.rpcws.testkit.RawClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules that keep inputs apart are true: each kept-apart frame kills the real reference process, and the
 * Jetty server answers it and keeps serving; frames next to them are not kept apart.
 */
class KeptApartTest {
    private static Fuzzer fuzzer;

    @BeforeAll static void start() {
        fuzzer = new Fuzzer(InProcessJetty.start(), System.out);
    }

    @AfterAll static void stop() {
        if (fuzzer != null) fuzzer.close();
    }

    /** D2 (non-array params) and D3 (rpc.off of an inherited name), alone and inside a batch. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":{\"a\":1},\"id\":1}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.off\",\"params\":true}",
            "[{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2],\"id\":1},{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":5,\"id\":2}]",
            "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.off\",\"params\":[\"newsUpdate\",\"constructor\"],\"id\":3}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.off\",\"params\":[[\"hasOwnProperty\"]],\"id\":4}"})
    void aKnownCrasherKillsTheReferenceAndTheJettyServerAnswersIt(String frame) {
        Send send = new Send(0, new Text(frame));
        assertThat(Deviation.keepingApart(send)).as("kept apart").isIn(Deviation.D2, Deviation.D3);
        Session s = session(List.of("/"), send);
        Fuzzer.Outcome outcome = fuzzer.compare(s);
        assertThat(outcome.referenceCrashed()).as("the reference process died; else: %s", outcome.comparison() == null ? "" : outcome.comparison().difference).isTrue();
        assertThat(fuzzer.jettyAlone(s, true)).as("the Jetty server answered").isNull();
    }

    @Test void theirNeighboursAreNotKeptApart() {
        for (String frame : new String[] {
                "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"constructor\"],\"id\":1}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.off\",\"params\":[\"newsUpdate\"],\"id\":1}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.off\",\"params\":\"x\",\"id\":1}",
                "{\"jsonrpc\":\"1.0\",\"method\":\"rpc.on\",\"params\":{},\"id\":1}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":0,\"id\":1}"}) {
            assertThat(Deviation.keepingApart(new Send(0, new Text(frame)))).as(frame).isNull();
        }
    }

    /**
     * D10: the reference files connections by socket id, so when one of two connections sharing an id has
     * closed, the other is no longer in its namespace, and its next protected call kills the process. Run by
     * hand, waiting for the reference to drop the closed connection (its close handler runs after the handshake).
     */
    @Test void aSharedSocketIdCrashesTheReferenceOnceOneConnectionHasClosed() {
        String cryptic = "{\"jsonrpc\":\"2.0\",\"method\":\"cryptic\",\"id\":1}";
        try (ProcessServer reference = ProcessServer.node(0)) {
            RawClient first = RawClient.connect(reference.wsUri("/?socket_id=twin"));
            RawClient.connect(reference.wsUri("/?socket_id=twin")).close();
            Poll.until("the reference to drop the closed connection", Duration.ofSeconds(5),
                    () -> !reference.admin().connections("/").contains("twin"));
            first.send(cryptic);
            Poll.until("the reference process to die", Duration.ofSeconds(5), () -> !reference.process().isAlive());
        }
        Session s = session(List.of("/?socket_id=twin", "/?socket_id=twin"), new Close(1), new Send(0, new Text(cryptic)));
        assertThat(Deviation.D10.keepsApart(s)).isTrue();
        assertThat(fuzzer.jettyAlone(s, false)).as("the Jetty server, alone").isNull();
    }

    /**
     * A crasher no rule keeps apart (D2's, handed to the comparison as if its row were missing) is kept as a new
     * crasher, shrunk to the frame that kills, and the Jetty server is checked on it; the run goes on.
     */
    @Test void aCrasherNoRuleKeepsApartIsReportedShrunk() {
        Send sum = new Send(0, new Text("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2],\"id\":1}"));
        Send crash = new Send(0, new Text("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":{\"a\":1},\"id\":2}"));
        Fuzzer.Report report = new Fuzzer.Report(0);
        assertThat(fuzzer.compareAndReport(session(List.of("/", "/chat"), sum, crash, new Send(1, sum.frame()), sum), report, null)).isTrue();
        assertThat(report.failures).as("the Jetty server answered the crasher and serves on").isEmpty();
        assertThat(report.newCrashers).hasSize(1);
        Fuzzer.Finding found = report.newCrashers.get(0);
        assertThat(found.session().connections()).containsExactly("/");
        assertThat(found.session().steps()).containsExactly(crash);
        assertThat(found.detail()).isEqualTo("the Jetty server answered it and keeps serving");
        assertThat(fuzzer.compare(session(List.of("/"), sum)).different()).as("the reference was restarted").isFalse();
    }

    /** D13 and D14: frames the project's codec refuses, which the reference reads and may act on. */
    @Test void framesTheCodecRefusesAreKeptApart() {
        assertThat(Deviation.keepingApart(new Send(0, new Text("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.login\",\"params\":{\"username\":\"foo\",\"password\":\"bar\",\"\\ud800\":1},\"id\":1}"))))
                .isEqualTo(Deviation.D13);
        assertThat(Deviation.keepingApart(new Send(0, new Batch(List.of("[".repeat(1000) + "]".repeat(1000))))))
                .isEqualTo(Deviation.D14);
        assertThat(Deviation.keepingApart(new Send(0, new Text("1".repeat(1001))))).isEqualTo(Deviation.D14);
        assertThat(Deviation.keepingApart(new Send(0, new Text("[".repeat(999) + "]".repeat(999))))).isNull();
    }

    private static Session session(List<String> connections, Step... steps) {
        return new Session(0, 0, connections, List.of(steps));
    }
}
