package dev.rpcws.protocol.client;

import dev.rpcws.protocol.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SubscriptionStatusTest {
    @Test
    void theStatusOfTheOneEventDecides() {
        assertThat(SubscriptionStatus.of(Json.object().put("ev", "ok"), "ev")).isEqualTo("ok");
        assertThat(SubscriptionStatus.of(Json.object().put("other", "ok"), "ev")).isNull();
        assertThat(SubscriptionStatus.of(Json.object().put("ev", 1), "ev")).isNull();
        assertThat(SubscriptionStatus.of(Json.array().add("ok"), "ev")).isNull();
        assertThat(SubscriptionStatus.of(null, "ev")).isNull();

        assertThat(SubscriptionStatus.subscribed("ok")).isTrue();
        assertThat(SubscriptionStatus.subscribed("socket has already been subscribed to event")).isTrue();
        assertThat(SubscriptionStatus.subscribed("provided event invalid")).isFalse();
        assertThat(SubscriptionStatus.subscribed("not subscribed")).isFalse();
        assertThat(SubscriptionStatus.subscribed(null)).isFalse();

        assertThat(SubscriptionStatus.unsubscribed("ok")).isTrue();
        assertThat(SubscriptionStatus.unsubscribed("not subscribed")).isTrue();
        assertThat(SubscriptionStatus.unsubscribed("provided event invalid")).isFalse();
        assertThat(SubscriptionStatus.unsubscribed(null)).isFalse();
    }
}
