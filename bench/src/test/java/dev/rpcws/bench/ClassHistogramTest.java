package dev.rpcws.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The live-heap figure of the idle series is the total line of {@code jcmd <pid> GC.class_histogram}. */
class ClassHistogramTest {
    /** The head and tail of a real {@code jcmd GC.class_histogram} of the floor server (Java 17). */
    private static final String HISTOGRAM = """
            29082:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          7428         342552  [B (java.base@17.0.15)
               2:          1517         186680  java.lang.Class (java.base@17.0.15)
             348:             1             16  sun.nio.ch.Util$2 (java.base@17.0.15)
             349:             1             16  sun.nio.fs.LinuxFileSystemProvider (java.base@17.0.15)
            Total         26840        1203360
            """;

    @Test
    void theTotalLineGivesTheLiveBytes() {
        assertThat(ClassHistogram.totalBytes(HISTOGRAM)).isEqualTo(1_203_360L);
    }

    @Test
    void anOutputWithoutTotalIsAnError() {
        assertThatThrownBy(() -> ClassHistogram.totalBytes("29082:\ncom.sun.tools.attach.AttachNotSupportedException: Unable to open socket file"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no Total line");
        assertThatThrownBy(() -> ClassHistogram.totalBytes(HISTOGRAM.replace("Total         26840        1203360", "")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
