package dev.rpcws.features.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The client x server compatibility matrix: features, their scenarios (rows) and runs (columns); each cell is
 * pass, FAIL or n/a with its reason. Written as Markdown and HTML (the full tables, {@link HtmlReport}); the
 * terminal gets a short form ({@link TerminalReport}).
 */
public final class Matrix {
    private final List<Run> runs;
    private final List<ScenarioResult> results;
    private final Map<Run, Long> runMillis;
    private final Map<String, String> descriptions;
    private final About about;

    /**
     * {@code runMillis}: the wall time of each run, starting its client and server included;
     * {@code descriptions}: each feature's text, by feature name.
     */
    public Matrix(List<Run> runs, List<ScenarioResult> results, Map<Run, Long> runMillis, Map<String, String> descriptions, About about) {
        this.runs = List.copyOf(runs);
        this.results = List.copyOf(results);
        this.runMillis = Map.copyOf(runMillis);
        this.descriptions = Map.copyOf(descriptions);
        this.about = about;
    }

    /** Writes {@code <name>.md} and {@code <name>.html} into {@code dir}. */
    public void write(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + ".md"), markdown(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(name + ".html"), new HtmlReport(this).render(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the model every report shares ----

    public List<ScenarioResult> results() {
        return results;
    }

    public List<ScenarioResult> failures() {
        return results.stream().filter(ScenarioResult::bad).toList();
    }

    public About about() {
        return about;
    }

    public List<Run> runs() {
        return runs;
    }

    public Long millis(Run run) {
        return runMillis.get(run);
    }

    public String description(String feature) {
        return descriptions.getOrDefault(feature, "");
    }

    /** Client scenarios or per-server scenarios by feature, then scenario, then run; in the order they ran. */
    public Map<String, Map<String, Map<Run, ScenarioResult>>> features(boolean perServer) {
        Map<String, Map<String, Map<Run, ScenarioResult>>> features = new LinkedHashMap<>();
        for (ScenarioResult r : results) {
            if (r.run().perServer() != perServer) continue;
            features.computeIfAbsent(r.feature(), f -> new LinkedHashMap<>())
                    .computeIfAbsent(r.scenario(), s -> new LinkedHashMap<>()).put(r.run(), r);
        }
        return features;
    }

    /** The runs with a cell among these rows, grouped by server (the order servers first ran), then client. */
    public List<Run> columns(Map<String, Map<Run, ScenarioResult>> rows) {
        List<String> servers = runs.stream().map(Run::server).distinct().toList();
        List<String> clients = runs.stream().map(Run::client).distinct().toList();
        return runs.stream().filter(run -> rows.values().stream().anyMatch(row -> row.containsKey(run)))
                .sorted(Comparator.comparingInt((Run r) -> servers.indexOf(r.server())).thenComparingInt(r -> clients.indexOf(r.client())))
                .toList();
    }

    /** Every distinct reason for n/a, numbered by its position (1-based in the reports). */
    public List<String> notes() {
        List<String> notes = new ArrayList<>();
        for (ScenarioResult r : results) {
            if (r.cell() == ScenarioResult.Cell.NOT_APPLICABLE && !notes.contains(r.detail())) notes.add(r.detail());
        }
        return notes;
    }

    public long count(ScenarioResult.Cell cell) {
        return results.stream().filter(r -> r.cell() == cell).count();
    }

    /** {@code 562 cells: 480 passed, 0 failed, 82 n/a; 12 runs in 117 s}. */
    public String summary() {
        return results.size() + " cells: " + count(ScenarioResult.Cell.PASS) + " passed, " + failures().size() + " failed, "
                + count(ScenarioResult.Cell.NOT_APPLICABLE) + " n/a; " + runs.size() + " runs in " + about.seconds() + " s";
    }

    /**
     * The Cucumber report of a cell's run, scrolled to the scenario's heading by a text fragment (the report has no
     * anchors of its own; its search matches any word, so it cannot single out one scenario).
     */
    public static String cucumberLink(ScenarioResult r) {
        // Text fragments give '-', ',' and '&' a meaning of their own: percent-encode them as well.
        String text = URLEncoder.encode(r.heading(), StandardCharsets.UTF_8).replace("+", "%20").replace("-", "%2D");
        return "cucumber/" + r.run().reportName() + ".html#:~:text=" + text;
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }

    // ---- Markdown: the full tables ----

    public String markdown() {
        List<String> notes = notes();
        StringBuilder md = new StringBuilder("# rpcws compatibility matrix\n\n");
        md.append(summary()).append(". Ran ").append(about.date()).append(" on commit ").append(about.commit()).append(".\n\n");
        md.append("pass: the scenario passed; **FAIL**: it failed; n/a [k]: it does not apply to this client or server, for reason k below.\n\n");
        md.append("## Client scenarios\n\n");
        features(false).forEach((feature, rows) -> table(md, feature, rows, notes));
        md.append("## Server-only scenarios (raw frames, several clients at once)\n\n");
        features(true).forEach((feature, rows) -> table(md, feature, rows, notes));
        if (!notes.isEmpty()) {
            md.append("## Not applicable, and why\n\n");
            for (int i = 0; i < notes.size(); i++) md.append("[").append(i + 1).append("] ").append(notes.get(i)).append("\n");
            md.append("\n");
        }
        if (!failures().isEmpty()) {
            md.append("## Failures\n\n");
            for (ScenarioResult f : failures()) {
                md.append("- ").append(Names.run(f.run())).append(": ").append(f.feature()).append(" / ").append(f.scenario())
                        .append(" (").append(f.location()).append("): ").append(f.detail()).append("\n");
            }
            md.append("\n");
        }
        md.append("## About this run\n\n| | |\n|---|---|\n");
        about.clients().forEach((client, where) -> md.append("| ").append(Names.client(client)).append(" | ").append(where).append(" |\n"));
        about.versions().forEach((what, version) -> md.append("| ").append(what).append(" | ").append(version).append(" |\n"));
        md.append("\n## Time per run\n\nWall time of each run, starting its client (the first run of a client) and its server included.\n\n")
                .append("| Run | seconds |\n|---|---|\n");
        for (Run run : runs) {
            Long ms = runMillis.get(run);
            if (ms != null) md.append("| ").append(Names.run(run)).append(" | ").append(seconds(ms)).append(" |\n");
        }
        return md.toString();
    }

    private void table(StringBuilder md, String feature, Map<String, Map<Run, ScenarioResult>> rows, List<String> notes) {
        List<Run> cols = columns(rows);
        md.append("### ").append(feature).append("\n\n| Scenario |");
        cols.forEach(c -> md.append(' ').append(Names.client(c.client())).append("<br>").append(Names.server(c.server())).append(" |"));
        md.append("\n|---|");
        cols.forEach(c -> md.append("---|"));
        md.append("\n");
        rows.forEach((scenario, row) -> {
            md.append("| ").append(scenario.replace("|", "\\|")).append(" |");
            for (Run c : cols) md.append(' ').append(cellText(row.get(c), notes)).append(" |");
            md.append("\n");
        });
        md.append("\n");
    }

    private static String cellText(ScenarioResult r, List<String> notes) {
        if (r == null) return "-";
        return switch (r.cell()) {
            case NOT_APPLICABLE -> "n/a [" + (notes.indexOf(r.detail()) + 1) + "]";
            case PASS -> "pass";
            default -> "**" + r.cell().label + "**";
        };
    }
}
