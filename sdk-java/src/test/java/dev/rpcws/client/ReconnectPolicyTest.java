package dev.rpcws.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReconnectPolicyTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    @Test
    void neverReconnectsAfterANormalClosureOrWhenOff() {
        ReconnectPolicy on = new ReconnectPolicy(true, SECOND, 5, false, Duration.ofSeconds(30));
        assertThat(on.reconnectsAfter(1000)).isFalse();
        assertThat(on.reconnectsAfter(1001)).isTrue();
        assertThat(on.reconnectsAfter(1006)).isTrue();
        assertThat(on.reconnectsAfter(4000)).isTrue();
        assertThat(new ReconnectPolicy(false, SECOND, 5, false, Duration.ofSeconds(30)).reconnectsAfter(1006)).isFalse();
    }

    @Test
    void maxReconnectsCountsAttemptsWithZeroForUnlimited() {
        ReconnectPolicy three = new ReconnectPolicy(true, SECOND, 3, false, Duration.ofSeconds(30));
        assertThat(three.allows(1)).isTrue();
        assertThat(three.allows(3)).isTrue(); // the reference stops one short (deviation C1)
        assertThat(three.allows(4)).isFalse();
        assertThat(new ReconnectPolicy(true, SECOND, 0, false, Duration.ofSeconds(30)).allows(1_000_000)).isTrue();
    }

    @Test
    void withoutBackoffEveryDelayIsTheInterval() {
        ReconnectPolicy fixed = new ReconnectPolicy(true, Duration.ofMillis(250), 0, false, Duration.ofSeconds(30));
        for (int attempt = 1; attempt <= 10; attempt++) assertThat(fixed.delayBefore(attempt, () -> 0.7)).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void backoffDoublesUpToTheCapWithJitterInTheUpperHalf() {
        ReconnectPolicy backoff = new ReconnectPolicy(true, Duration.ofMillis(100), 0, true, Duration.ofMillis(1000));
        long[] full = {100, 200, 400, 800, 1000, 1000};
        for (int attempt = 1; attempt <= full.length; attempt++) {
            long delay = full[attempt - 1];
            assertThat(backoff.delayBefore(attempt, () -> 0.0).toMillis()).isEqualTo(delay / 2);
            assertThat(backoff.delayBefore(attempt, () -> 0.999999).toMillis()).isEqualTo(delay);
            assertThat(backoff.delayBefore(attempt, () -> 0.5).toMillis()).isBetween(delay / 2, delay);
        }
        assertThat(backoff.delayBefore(10_000, () -> 0.999999)).isEqualTo(Duration.ofMillis(1000)); // no overflow
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new ReconnectPolicy(true, SECOND, -1, false, Duration.ofSeconds(30))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReconnectPolicy(true, Duration.ofSeconds(60), 1, true, Duration.ofSeconds(30))).isInstanceOf(IllegalArgumentException.class);
    }
}
