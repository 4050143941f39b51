package dev.rpcws.features.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The matrix as a terminal shows it, in lines of at most {@link #WIDTH} characters: one progress line per run as
 * it finishes, then a count per feature, the summary and every failing cell with its reason. The full tables
 * are in the Markdown and HTML files.
 */
public final class TerminalReport {
    public static final int WIDTH = 120;
    private static final String INDENT = "        ";

    private TerminalReport() {}

    /** {@code  3/15  Python client   x rpcws (Jetty)   41 passed   0 failed  12 n/a   20.6 s}. */
    public static String progress(int index, int total, Run run, List<ScenarioResult> cells, long millis) {
        long passed = cells.stream().filter(c -> c.cell() == ScenarioResult.Cell.PASS).count();
        long failed = cells.stream().filter(ScenarioResult::bad).count();
        long na = cells.stream().filter(c -> c.cell() == ScenarioResult.Cell.NOT_APPLICABLE).count();
        String counts = String.format("%3d passed %3d %-6s %3d n/a", passed, failed, failed == 0 ? "failed" : "FAILED", na);
        String line = String.format("%2d/%-2d  %-32s x %-33s %s %6s s", index, total, Names.client(run.client()), Names.server(run.server()),
                counts, Matrix.seconds(millis));
        return cut(line);
    }

    /** The count per feature, the summary line and the failing cells, each with its reason. */
    public static List<String> summary(Matrix matrix) {
        List<String> lines = new ArrayList<>();
        Map<String, long[]> perFeature = new LinkedHashMap<>();
        for (ScenarioResult r : matrix.results()) {
            long[] c = perFeature.computeIfAbsent(r.feature(), f -> new long[3]);
            c[r.cell() == ScenarioResult.Cell.PASS ? 0 : r.bad() ? 1 : 2]++;
        }
        lines.add(String.format("%-70s %8s %8s %8s", "Feature", "passed", "failed", "n/a"));
        perFeature.forEach((feature, c) -> lines.add(cut(String.format("%-70s %8d %8s %8d", feature, c[0], c[1] == 0 ? "0" : c[1] + " !", c[2]))));
        lines.add("");
        lines.add(matrix.summary());
        List<ScenarioResult> failures = matrix.failures();
        if (!failures.isEmpty()) {
            lines.add("");
            lines.add("Failed cells:");
            for (ScenarioResult f : failures) {
                lines.add(cut("  " + Names.run(f.run()) + ": " + f.feature() + " / " + f.scenario()));
                lines.addAll(wrap(f.location() + ": " + f.detail()));
            }
        }
        return lines;
    }

    /** Text broken at spaces into indented lines that fit the width (a longer word is cut). */
    static List<String> wrap(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder line = new StringBuilder(INDENT);
        for (String word : text.split("\\s+")) {
            if (line.length() > INDENT.length() && line.length() + 1 + word.length() > WIDTH) {
                out.add(cut(line.toString()));
                line = new StringBuilder(INDENT);
            }
            if (line.length() > INDENT.length()) line.append(' ');
            line.append(word);
        }
        if (line.length() > INDENT.length()) out.add(cut(line.toString()));
        return out;
    }

    private static String cut(String line) {
        return line.length() <= WIDTH ? line : line.substring(0, WIDTH - 3) + "...";
    }
}
