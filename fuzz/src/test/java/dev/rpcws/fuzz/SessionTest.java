package dev.rpcws.fuzz;

import dev.rpcws.fuzz.Session.Binary;
import dev.rpcws.fuzz.Session.Close;
import dev.rpcws.fuzz.Session.Emit;
import dev.rpcws.fuzz.Session.Send;
import dev.rpcws.fuzz.Session.Text;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SessionTest {
    @Test void aCaseIsAFunctionOfItsSeedAndNumber() {
        SessionGenerator a = new SessionGenerator(5, SessionGenerator.DEFAULT_MAX_STEPS);
        SessionGenerator b = new SessionGenerator(5, SessionGenerator.DEFAULT_MAX_STEPS);
        Set<Session> distinct = new HashSet<>();
        for (long k = 0; k < 200; k++) {
            assertThat(a.session(k)).isEqualTo(b.session(k));
            distinct.add(a.session(k).withSteps(a.session(k).steps()));
        }
        assertThat(distinct).hasSizeGreaterThan(190);
        assertThat(new SessionGenerator(6, SessionGenerator.DEFAULT_MAX_STEPS).session(3)).isNotEqualTo(a.session(3));
    }

    @Test void theReplayFileHoldsEveryKindOfStepExactly() {
        Session s = new Session(9, 17, List.of("/chat?socket_id=a+b", "/"), List.of(
                new Send(0, new Text("{\"jsonrpc\":\"2.0\",\"params\":\"\\ud800\u00e9\ud83d\ude00\",\"id\":1}")),
                new Send(1, new Session.Batch(List.of("1", "{\"a\":[]}", "\"\\u0000\""))),
                new Send(1, new Session.Batch(List.of())),
                new Send(0, new Binary(new byte[] {'[', (byte) 0xC0, (byte) 0xAF, ']'})),
                new Emit(null, "newsUpdate", List.of("{\"x\":1e400}", "\"\"")),
                new Emit("/chat", "chatMessage", List.of()),
                new Close(1)));
        assertThat(Session.fromJson(s.toJson())).isEqualTo(s);
    }

    @Test void everyGeneratedSessionSurvivesItsReplayFile() {
        SessionGenerator g = new SessionGenerator(11, SessionGenerator.DEFAULT_MAX_STEPS);
        for (long k = 0; k < 300; k++) {
            Session s = g.session(k);
            assertThat(Session.fromJson(s.toJson())).as("case %d", k).isEqualTo(s);
        }
    }
}
