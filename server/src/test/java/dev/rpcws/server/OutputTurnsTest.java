package dev.rpcws.server;

import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.channels.WritePendingException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One writer at a time on a socket's output, whoever asks and however the writes complete. */
class OutputTurnsTest {
    /** A write flusher that completes each write when told to. */
    private static final class HeldFlusher {
        final Deque<Callback> inFlight = new ArrayDeque<>();
        final List<String> started = new ArrayList<>();

        void write(Callback callback, ByteBuffer[] buffers) {
            started.add(new String(buffers[0].array()));
            inFlight.add(callback);
        }

        void completeNext() {
            inFlight.poll().succeeded();
        }
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes());
    }

    @Test
    void jettysWriteDuringADirectTurnStartsWhenItEndsAndADirectWriteWaitsForJettysCallback() {
        HeldFlusher flusher = new HeldFlusher();
        OutputTurns turns = new OutputTurns(flusher::write);
        assertThat(turns.tryTake()).isTrue();
        turns.write(Callback.NOOP, text("pong"));
        assertThat(flusher.started).as("waits for the direct turn").isEmpty();
        turns.end();
        assertThat(flusher.started).containsExactly("pong");
        assertThat(turns.tryTake()).as("Jetty's write holds the output").isFalse();

        List<Boolean> freeInsideCallback = new ArrayList<>();
        OutputTurns turns2 = new OutputTurns(flusher::write);
        turns2.write(Callback.from(() -> freeInsideCallback.add(turns2.tryTake())), text("close"));
        flusher.completeNext(); // the pong of the first
        flusher.completeNext(); // the close
        assertThat(freeInsideCallback).as("still taken inside the callback: nothing slips in before the output's shutdown").containsExactly(false);
        assertThat(turns2.tryTake()).as("free after it").isTrue();
    }

    @Test
    void theRestOfADirectWriteKeepsTheTurnUntilWrittenAndJettysWriteFollowsIt() {
        HeldFlusher flusher = new HeldFlusher();
        OutputTurns turns = new OutputTurns(flusher::write);
        assertThat(turns.tryTake()).isTrue();
        turns.writeRest(Callback.NOOP, text("rest"));
        turns.write(Callback.NOOP, text("reply"));
        assertThat(turns.tryTake()).isFalse();
        assertThat(flusher.started).containsExactly("rest");
        flusher.completeNext();
        assertThat(flusher.started).containsExactly("rest", "reply");
        assertThat(turns.tryTake()).isFalse();
        flusher.completeNext();
        assertThat(turns.tryTake()).isTrue();
    }

    @Test
    void aSecondWaitingWriteOfJettysIsRefusedAsJettysOwnFlusherWouldRefuseIt() {
        OutputTurns turns = new OutputTurns(new HeldFlusher()::write);
        assertThat(turns.tryTake()).isTrue();
        turns.write(Callback.NOOP, text("a"));
        assertThatThrownBy(() -> turns.write(Callback.NOOP, text("b"))).isInstanceOf(WritePendingException.class);
    }

    @Test
    void writesCompletedAtOnceChainInALoopNotOnTheStack() {
        int chain = 200_000;
        AtomicInteger written = new AtomicInteger();
        OutputTurns[] turns = new OutputTurns[1];
        // Each write completes inside the flusher, and its callback asks for the next, as Jetty's frame flusher does.
        turns[0] = new OutputTurns((callback, buffers) -> callback.succeeded());
        Callback next = new Callback() {
            @Override public void succeeded() {
                if (written.incrementAndGet() < chain) turns[0].write(this, text("x"));
            }
        };
        assertThat(turns[0].tryTake()).isTrue();
        turns[0].write(next, text("x")); // waits for the direct turn, then the whole chain runs from its end
        turns[0].end();
        assertThat(written.get()).isEqualTo(chain);
        assertThat(turns[0].tryTake()).isTrue();
    }

    @Test
    void underRacingWritersNoTwoWritesOverlapAndEveryJettyWriteRunsOnce() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2); // the common pool may have one thread here
        try {
            for (int round = 0; round < 20; round++) race(threads, round);
        } finally {
            threads.shutdownNow();
        }
    }

    private static void race(ExecutorService threads, int round) throws Exception {
        {
            AtomicInteger active = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            ConcurrentLinkedQueue<Runnable> inFlight = new ConcurrentLinkedQueue<>();
            // The flusher completes a write at once or later, from another thread, at random.
            OutputTurns turns = new OutputTurns((callback, buffers) -> {
                if (active.incrementAndGet() > 1) overlaps.incrementAndGet();
                if (ThreadLocalRandom.current().nextBoolean()) {
                    active.decrementAndGet();
                    callback.succeeded();
                } else {
                    inFlight.add(() -> {
                        active.decrementAndGet();
                        callback.succeeded();
                    });
                }
            });
            int jettyWrites = 20_000;
            AtomicInteger jettyDone = new AtomicInteger();
            // Jetty writes one at a time: the next from the last one's callback, or later (its frame flusher went
            // idle), after the direct writer's next turn, so that every round has turns of both kinds in between.
            ConcurrentLinkedQueue<Runnable> later = new ConcurrentLinkedQueue<>();
            Callback jetty = new Callback() {
                @Override public void succeeded() {
                    if (jettyDone.incrementAndGet() >= jettyWrites) return;
                    if (ThreadLocalRandom.current().nextBoolean()) turns.write(this, text("j"));
                    else later.add(() -> turns.write(this, text("j")));
                }
            };
            CompletableFuture<Void> completer = CompletableFuture.runAsync(() -> {
                while (jettyDone.get() < jettyWrites) {
                    Runnable complete = inFlight.poll();
                    if (complete != null) complete.run();
                    else Thread.onSpinWait();
                }
            }, threads);
            CountDownLatch directRunning = new CountDownLatch(1);
            CompletableFuture<Integer> direct = CompletableFuture.supplyAsync(() -> {
                int taken = 0;
                while (jettyDone.get() < jettyWrites) {
                    directRunning.countDown();
                    if (!turns.tryTake()) continue;
                    if (jettyDone.get() > 0) taken++;
                    if (active.incrementAndGet() > 1) overlaps.incrementAndGet();
                    active.decrementAndGet();
                    if (ThreadLocalRandom.current().nextBoolean()) turns.end();
                    else turns.writeRest(Callback.NOOP, text("rest"));
                    Runnable jettysNext = later.poll();
                    if (jettysNext != null) jettysNext.run();
                }
                return taken;
            }, threads);
            assertThat(directRunning.await(10, TimeUnit.SECONDS)).isTrue();
            turns.write(jetty, text("j"));
            completer.get(30, TimeUnit.SECONDS);
            int directTurns = direct.get(30, TimeUnit.SECONDS);
            assertThat(overlaps.get()).as("writes that overlapped another, round %d", round).isZero();
            assertThat(jettyDone.get()).isEqualTo(jettyWrites);
            assertThat(directTurns).as("direct turns taken between Jetty's, round %d", round).isPositive();
        }
    }
}
