package dev.rpcws.server.cluster;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The server log written while it is open: slf4j-simple (the tests' logging backend) writes to whatever
 * {@code System.err} is at each line, so this copies {@code System.err} and puts it back on close.
 */
final class LogLines implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    LogLines() {
        System.setErr(new PrintStream(new OutputStream() {
            @Override public void write(int b) {
                original.write(b);
                synchronized (copy) {
                    copy.write(b);
                }
            }

            @Override public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (copy) {
                    copy.write(b, off, len);
                }
            }
        }, true, StandardCharsets.UTF_8));
    }

    /** How many lines so far contain every one of {@code parts}. */
    long count(String... parts) {
        String text;
        synchronized (copy) {
            text = copy.toString(StandardCharsets.UTF_8);
        }
        return text.lines().filter(line -> Arrays.stream(parts).allMatch(line::contains)).count();
    }

    @Override public void close() {
        System.setErr(original);
    }
}
