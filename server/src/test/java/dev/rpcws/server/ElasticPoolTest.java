package dev.rpcws.server;

import dev.rpcws.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The pool keeps its floor while work moves, grows while every thread is stuck, and shrinks back after. */
class ElasticPoolTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private ElasticPool pool;
    /** Blocked tasks that have started running: a worker counts as active before it has taken its task. */
    private final AtomicInteger started = new AtomicInteger();

    @AfterEach void stop() {
        pool.shutdownNow();
        scheduler.shutdownNow();
    }

    @Test
    void tasksThatMustAllRunAtOnceGetThreadsBeyondTheFloorWhichGoAwayAfter() throws Exception {
        pool = new ElasticPool(2, 50, scheduler);
        int n = 8;
        CyclicBarrier allRunning = new CyclicBarrier(n);
        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return allRunning.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pool));
        }
        CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);
        assertThat(pool.getLargestPoolSize()).isGreaterThanOrEqualTo(n);

        Poll.until("the pool shrinks back to its floor", Duration.ofSeconds(5), () -> pool.getMaximumPoolSize() == 2);
        assertThat(pool.getCorePoolSize()).isEqualTo(2);
    }

    @Test
    void itNeverGrowsPastItsCeilingAndQueuedTasksRunOnceThreadsFree() throws Exception {
        pool = new ElasticPool(1, 3, scheduler);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch done = blocked(5, release);
        Poll.until("the pool grows to its ceiling", Duration.ofSeconds(5), () -> pool.getPoolSize() == 3);
        Thread.sleep(10 * ElasticPool.CHECK_MILLIS); // several more checks while every thread stays stuck
        assertThat(pool.getLargestPoolSize()).isEqualTo(3);
        assertThat(pool.getQueue()).hasSize(2);

        release.countDown();
        assertThat(done.await(5, TimeUnit.SECONDS)).as("the queued tasks ran too").isTrue();
    }

    @Test
    void afterShrinkingWhileThreadsStayStuckANewTaskGetsAThreadAtTheNextStuckCheck() throws Exception {
        ScheduledExecutorService stopped = Executors.newSingleThreadScheduledExecutor();
        stopped.shutdown(); // no timed checks: this test makes each check itself
        pool = new ElasticPool(1, 50, stopped);
        CountDownLatch release = new CountDownLatch(1);
        blocked(6, release);
        pool.check(); // a reading
        for (int threads = 2; threads <= 6; threads++) {
            pool.check(); // still stuck: one more thread, which takes a queued task
            int expected = threads;
            Poll.until("one more thread running a queued task, " + expected + " in all", Duration.ofSeconds(5),
                    () -> started.get() == expected);
        }
        assertThat(pool.getQueue()).as("every task has a thread").isEmpty();
        for (int i = 0; i < 5; i++) pool.check(); // nothing waits: the size goes back to the floor
        assertThat(pool.getMaximumPoolSize()).isEqualTo(1);

        CountDownLatch ran = new CountDownLatch(1);
        pool.execute(ran::countDown);
        pool.check(); // a reading
        pool.check(); // still stuck: one more thread than are alive, not one more than the size
        assertThat(ran.await(5, TimeUnit.SECONDS)).as("the new task ran").isTrue();
        release.countDown();
    }

    @Test
    void aTaskHandedOnByAPoolThreadRunsOnThatThreadOnceItsCurrentTaskReturns() throws Exception {
        pool = new ElasticPool(2, 2, scheduler);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Thread> current = new AtomicReference<>();
        AtomicReference<Thread> next = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        pool.execute(() -> {
            current.set(Thread.currentThread());
            pool.executeAfterCurrent(() -> {
                next.set(Thread.currentThread());
                order.add("handed on");
                ran.countDown();
            });
            order.add("current returns");
        });
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(order).containsExactly("current returns", "handed on");
        assertThat(next.get()).isSameAs(current.get());
        assertThat(pool.getQueue()).isEmpty();
    }

    @Test
    void fromAnyOtherThreadItIsQueuedLikeExecute() throws Exception {
        pool = new ElasticPool(1, 1, scheduler);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        pool.executeAfterCurrent(() -> {
            ranOn.set(Thread.currentThread());
            ran.countDown();
        });
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
    }

    @Test
    void aHandedOnTaskThatFailsKeepsNeitherTheNextOneNorItsThreadFromRunning() throws Exception {
        pool = new ElasticPool(1, 1, scheduler);
        List<Thread> ranOn = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ran = new CountDownLatch(2);
        pool.execute(() -> {
            ranOn.add(Thread.currentThread());
            pool.executeAfterCurrent(() -> {
                throw new IllegalStateException("a failing task (expected in this test)");
            });
            pool.executeAfterCurrent(ran::countDown);
        });
        pool.execute(() -> {
            ranOn.add(Thread.currentThread());
            ran.countDown();
        });
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ranOn.get(1)).as("the thread survived the failure").isSameAs(ranOn.get(0));
    }

    /** Queues {@code n} tasks that each wait for {@code release} (20 s at most); the latch counts them out. */
    private CountDownLatch blocked(int n, CountDownLatch release) {
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            pool.execute(() -> {
                started.incrementAndGet();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                done.countDown();
            });
        }
        return done;
    }
}
