package dev.rpcws.server.limits;

import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Lines a peer can cause: the burst is written, the rest counted, and the count written before the next line. */
class RateLimitedLogTest {
    private static final Duration WINDOW = Duration.ofSeconds(10);

    private final RecordingLogger logger = new RecordingLogger();
    private long now = 1_000;
    private final RateLimitedLog log = new RateLimitedLog(logger, 3, WINDOW, () -> now);

    @Test
    void aFloodWritesTheBurstAndThenTheCountOfWhatItDropped() {
        for (int i = 1; i <= 1000; i++) log.info("refused {}", i);
        assertThat(logger.lines).containsExactly("INFO refused 1", "INFO refused 2", "INFO refused 3");

        now += WINDOW.toNanos();
        log.info("refused {}", 1001);
        assertThat(logger.lines).containsExactly("INFO refused 1", "INFO refused 2", "INFO refused 3",
                "INFO 997 similar lines not written (at most 3 per 10 s)", "INFO refused 1001");
    }

    @Test
    void theWindowStartsAtItsFirstLineAndLastsItsLength() {
        for (int i = 1; i <= 4; i++) log.info("line {}", i);
        now += WINDOW.toNanos() - 1;
        log.info("line {}", 5);
        assertThat(logger.lines).as("still the first window").hasSize(3);
        now += 1;
        log.info("line {}", 6);
        assertThat(logger.lines).endsWith("INFO 2 similar lines not written (at most 3 per 10 s)", "INFO line 6");
    }

    /** An SLF4J logger that keeps its lines, level first. */
    private static final class RecordingLogger extends LegacyAbstractLogger {
        final List<String> lines = new ArrayList<>();

        RecordingLogger() {
            this.name = "test";
        }

        @Override public boolean isTraceEnabled() { return true; }
        @Override public boolean isDebugEnabled() { return true; }
        @Override public boolean isInfoEnabled() { return true; }
        @Override public boolean isWarnEnabled() { return true; }
        @Override public boolean isErrorEnabled() { return true; }
        @Override protected String getFullyQualifiedCallerName() { return null; }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String format, Object[] args, Throwable t) {
            lines.add(level + " " + MessageFormatter.basicArrayFormat(format, args));
        }
    }
}
