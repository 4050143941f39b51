package dev.rpcws.fuzz;

import dev.rpcws.fuzz.Session.Batch;
import dev.rpcws.fuzz.Session.Emit;
import dev.rpcws.fuzz.Session.Send;
import dev.rpcws.fuzz.Session.Step;
import dev.rpcws.fuzz.Session.Text;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

class ShrinkerTest {
    private static final String LOGIN = "{\"method\":\"login\"}";
    private static final String PROTECTED = "{\"method\":\"cryptic\"}";

    /** A failure that needs one batch element on connection 1 and, later, one frame on connection 1. */
    private static final Predicate<Session> FAILS = s -> {
        int conn = s.connections().indexOf("/needed");
        if (conn < 0) return false;
        boolean loggedIn = false;
        for (Step step : s.steps()) {
            if (!(step instanceof Send send) || send.conn() != conn) continue;
            if (send.frame() instanceof Batch b && b.elements().contains(LOGIN)) loggedIn = true;
            if (loggedIn && send.frame().text().equals(PROTECTED)) return true;
        }
        return false;
    };

    @Test void dropsEverythingTheFailureDoesNotNeed() {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < 6; i++) steps.add(new Send(i % 3, new Text("{\"n\":" + i + "}")));
        steps.add(new Emit("/", "newsUpdate", List.of("1", "2")));
        steps.add(new Send(1, new Batch(List.of("1", LOGIN, "[]", "{}"))));
        for (int i = 0; i < 5; i++) steps.add(new Send(i % 3, new Text("{\"m\":" + i + "}")));
        steps.add(new Send(1, new Text(PROTECTED)));
        steps.add(new Send(0, new Text("{}")));
        Session big = new Session(7, 42, List.of("/?socket_id=a", "/needed", "/chat"), steps);
        assertThat(FAILS).accepts(big);

        Shrinker shrinker = new Shrinker(FAILS, 500);
        Session small = shrinker.shrink(big);

        assertThat(small.connections()).containsExactly("/needed");
        assertThat(small.steps()).containsExactly(new Send(0, new Batch(List.of(LOGIN))), new Send(0, new Text(PROTECTED)));
        assertThat(small.seed()).isEqualTo(7);
        assertThat(small.caseNumber()).isEqualTo(42);
        assertThat(shrinker.trials()).isLessThan(500);
    }

    @Test void stopsWhenTheBudgetIsSpentWithTheSmallestFailingSessionSoFar() {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < 20; i++) steps.add(new Send(0, new Text(i == 10 ? PROTECTED : "{}")));
        steps.add(0, new Send(0, new Batch(List.of(LOGIN))));
        Session big = new Session(1, 1, List.of("/needed"), steps);
        Session partly = new Shrinker(FAILS, 3).shrink(big);
        assertThat(FAILS).accepts(partly);
        assertThat(partly.steps().size()).isLessThan(big.steps().size());
    }

    @Test void aSessionThatNoLongerFailsIsNeverReturned() {
        Session s = new Session(1, 1, List.of("/needed"), List.of(new Send(0, new Batch(List.of(LOGIN))), new Send(0, new Text(PROTECTED))));
        assertThat(new Shrinker(FAILS, 100).shrink(s)).isEqualTo(s);
    }
}
