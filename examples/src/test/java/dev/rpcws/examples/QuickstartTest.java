package dev.rpcws.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The README's example runs and prints what its comments say, and the README quotes it exactly. */
@Timeout(60)
class QuickstartTest {
    @Test
    void runs() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Quickstart.main(new String[0]);
        } finally {
            System.setOut(stdout);
        }
        assertEquals("sum: 8\nnewsUpdate: hello\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theReadmeQuotesItExactly() throws Exception {
        String source = Files.readString(Path.of("src/main/java/dev/rpcws/examples/Quickstart.java"));
        String example = between(source, "// README: begin\n", "// README: end\n");
        String readme = Files.readString(Path.of("../README.md"));
        String quoted = between(readme, "<!-- example: examples/src/main/java/dev/rpcws/examples/Quickstart.java -->\n```java\n", "```\n");
        assertEquals(example, quoted, "README.md, \"Use it from your project\", must quote the example as it is");
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        if (from < 0) throw new AssertionError("no " + start.strip() + " marker");
        from += start.length();
        int to = text.indexOf(end, from);
        if (to < 0) throw new AssertionError("no " + end.strip() + " marker");
        return text.substring(from, to);
    }
}
