package dev.rpcws.server.events;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SubscribersTest {
    private static final Subscriber[] POOL = new Subscriber[8];

    static {
        for (int i = 0; i < POOL.length; i++) POOL[i] = new Member();
    }

    /** A subscriber of its own identity (a lambda without captures would be one instance for all). */
    private static final class Member implements Subscriber {
        @Override public boolean sendEvent(Notification notification) {
            return true;
        }
    }

    /** A step: subscribe (op 0), unsubscribe (op 1) or take a snapshot (op 2) of one of the pool's subscribers. */
    record Step(int op, int who) {}

    @Provide Arbitrary<List<Step>> steps() {
        return Arbitraries.integers().between(0, 2).flatMap(op -> Arbitraries.integers().between(0, POOL.length - 1).map(who -> new Step(op, who)))
                .list().ofMaxSize(60);
    }

    @Property void everySnapshotHoldsExactlyTheMembersOfItsTime(@ForAll("steps") List<Step> steps) {
        Subscribers subscribers = new Subscribers();
        Set<Subscriber> model = new HashSet<>();
        for (Step step : steps) {
            Subscriber s = POOL[step.who()];
            switch (step.op()) {
                case 0 -> assertThat(subscribers.add(s)).isEqualTo(model.add(s));
                case 1 -> assertThat(subscribers.remove(s)).isEqualTo(model.remove(s));
                default -> assertThat(subscribers.snapshot()).containsExactlyInAnyOrderElementsOf(model);
            }
        }
        assertThat(subscribers.snapshot()).containsExactlyInAnyOrderElementsOf(model);
    }

    @Test void anUnchangedSetIsNotCopiedAgain() {
        Subscribers subscribers = new Subscribers();
        subscribers.add(POOL[0]);
        Subscriber[] first = subscribers.snapshot();
        assertThat(subscribers.snapshot()).isSameAs(first);
        assertThat(subscribers.add(POOL[0])).isFalse(); // no change: still the same copy
        assertThat(subscribers.remove(POOL[1])).isFalse();
        assertThat(subscribers.snapshot()).isSameAs(first);
        subscribers.add(POOL[1]);
        assertThat(subscribers.snapshot()).isNotSameAs(first).containsExactlyInAnyOrder(POOL[0], POOL[1]);
    }

    /** Emits racing with subscriptions: each emit reaches everyone whose subscription returned before it started. */
    @Test void anEmitReachesEverySubscriptionThatReturnedBeforeIt() throws InterruptedException {
        int count = 20_000;
        Subscriber[] joining = new Subscriber[count];
        for (int i = 0; i < count; i++) joining[i] = new Member();
        Subscribers subscribers = new Subscribers();
        AtomicInteger joined = new AtomicInteger();
        Thread adder = new Thread(() -> {
            for (Subscriber s : joining) {
                subscribers.add(s);
                joined.incrementAndGet();
            }
        });
        adder.start();
        int checked = 0;
        while (joined.get() < count || checked == 0) {
            int before = joined.get();
            Set<Subscriber> seen = Set.of(subscribers.snapshot());
            for (int i = Math.max(0, before - 50); i < before; i++) assertThat(seen).as("subscriber %d of %d joined", i, before).contains(joining[i]);
            checked++;
        }
        adder.join();
        assertThat(subscribers.snapshot()).hasSize(count);
    }
}
