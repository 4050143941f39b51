package dev.rpcws.server.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrokerAddressTest {
    @Test
    void readsHostPortAndDatabaseWithRedisDefaults() {
        assertThat(BrokerAddress.parse("redis://127.0.0.1:6380/2")).isEqualTo(new BrokerAddress("127.0.0.1", 6380, 2));
        assertThat(BrokerAddress.parse("redis://cache.internal")).isEqualTo(new BrokerAddress("cache.internal", 6379, 0));
        assertThat(BrokerAddress.parse("redis://[::1]:7000/")).isEqualTo(new BrokerAddress("[::1]", 7000, 0));
        assertThat(BrokerAddress.parse("redis://127.0.0.1:6380/2")).hasToString("redis://127.0.0.1:6380/2");
    }

    @Test
    void refusesAnythingElseWithOneLineSayingWhatIsExpected() {
        for (String bad : new String[] {"127.0.0.1:6379", "http://h:1", "redis://:6379", "redis://h:0", "redis://h:70000",
                "redis://h:1/x", "redis://h:1/1/2", "redis://user:pw@h:1", "redis://h:1?db=2", "rediss://h:1", "redis://h:1/-1"}) {
            assertThatThrownBy(() -> BrokerAddress.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad.contains("70000") || bad.endsWith(":0") ? "port" : "redis://")
                    .hasMessageNotContaining("\n");
        }
    }
}
