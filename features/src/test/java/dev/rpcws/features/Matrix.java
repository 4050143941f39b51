package dev.rpcws.features;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The client x server compatibility matrix: rows are scenarios (grouped by feature), columns are runs, cells
 * are pass, FAIL or n/a with its reason. Written as Markdown (printed at the end of the main job) and HTML.
 */
public final class Matrix {
    /** What each client column is, for the report's opening line. */
    private static final Map<String, String> CLIENTS = Map.of(
            "java", "the Java SDK (Java)",
            "node", "the npm `rpc-websockets` 10.0.1 Client (Node)",
            "node-legacy", "the npm `rpc-websockets` 7.7.0 Client, which sends `\"params\":null` for calls without params (Node legacy)",
            "python", "`rpcws_client` (Python)",
            "browser", "the npm `rpc-websockets` 10.0.1 browser bundle in a web page (Browser)");

    private final List<Run> runs;
    private final Map<String, String> runtimes;
    private final List<ScenarioResult> results;
    private final Map<Run, Long> runMillis;
    private final long seconds;

    /**
     * {@code runtimes}: where each client language ran (in-process, local process, container, the browser);
     * {@code runMillis}: the wall time of each run, starting its client and server included.
     */
    public Matrix(List<Run> runs, Map<String, String> runtimes, List<ScenarioResult> results, Map<Run, Long> runMillis, long seconds) {
        this.runs = runs;
        this.runtimes = runtimes;
        this.results = results;
        this.runMillis = runMillis;
        this.seconds = seconds;
    }

    public List<ScenarioResult> failures() {
        return results.stream().filter(ScenarioResult::bad).toList();
    }

    /** Writes {@code <name>.md} and {@code <name>.html} into {@code dir}. */
    public void write(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + ".md"), markdown(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(name + ".html"), html(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- model ----

    private List<Run> columns(boolean perServer) {
        return runs.stream().filter(r -> r.perServer() == perServer).toList();
    }

    /** Rows in first-seen order: feature, then scenario. */
    private Map<String, Map<Run, ScenarioResult>> rows(boolean perServer) {
        Map<String, Map<Run, ScenarioResult>> rows = new LinkedHashMap<>();
        for (ScenarioResult r : results) {
            if (r.run().perServer() != perServer) continue;
            rows.computeIfAbsent(r.feature() + "\u0000" + r.scenario(), k -> new LinkedHashMap<>()).put(r.run(), r);
        }
        return rows;
    }

    private List<String> notes() {
        List<String> notes = new ArrayList<>();
        for (ScenarioResult r : results) {
            if (r.cell() == ScenarioResult.Cell.NOT_APPLICABLE && !notes.contains(r.detail())) notes.add(r.detail());
        }
        return notes;
    }

    private String header(Run run) {
        if (run.perServer()) return title(run.server()) + " server";
        return title(run.client()) + " (" + runtimes.getOrDefault(run.client(), "?") + ") x " + title(run.server());
    }

    /** {@code node-legacy} -> {@code Node legacy}. */
    private static String title(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1).replace('-', ' ');
    }

    private String clientsLine() {
        List<String> described = new ArrayList<>();
        for (String client : runtimes.keySet()) described.add(CLIENTS.getOrDefault(client, title(client)));
        return "Clients: " + String.join("; ", described) + ". ";
    }

    private String cellText(ScenarioResult r, List<String> notes) {
        if (r == null) return "-";
        return switch (r.cell()) {
            case NOT_APPLICABLE -> "n/a [" + (notes.indexOf(r.detail()) + 1) + "]";
            default -> r.cell().label;
        };
    }

    private String totals() {
        long pass = results.stream().filter(r -> r.cell() == ScenarioResult.Cell.PASS).count();
        long na = results.stream().filter(r -> r.cell() == ScenarioResult.Cell.NOT_APPLICABLE).count();
        return results.size() + " cells: " + pass + " pass, " + failures().size() + " failing, " + na + " not applicable; "
                + runs.size() + " runs in " + seconds + " s";
    }

    // ---- Markdown ----

    public String markdown() {
        List<String> notes = notes();
        StringBuilder md = new StringBuilder("# rpcws compatibility matrix\n\n");
        md.append(clientsLine())
                .append("Servers: the rpcws Jetty server and the canonical npm `rpc-websockets` 10.0.1 Server, both with the compat fixture.\n\n");
        md.append(totals()).append("\n\n");
        table(md, "Client scenarios", false, notes);
        table(md, "Per-server scenarios (raw frames, several languages at once)", true, notes);
        if (!notes.isEmpty()) {
            md.append("## Not applicable, and why\n\n");
            for (int i = 0; i < notes.size(); i++) md.append("[").append(i + 1).append("] ").append(notes.get(i)).append("\n");
            md.append("\n");
        }
        if (!runMillis.isEmpty()) {
            md.append("## Time per run\n\nWall time of each run, starting its client (the first run of a client) and its server included.\n\n")
                    .append("| Run | seconds |\n|---|---|\n");
            for (Run run : runs) {
                Long ms = runMillis.get(run);
                if (ms != null) md.append("| ").append(header(run)).append(" | ").append(String.format(Locale.ROOT, "%.1f", ms / 1000.0)).append(" |\n");
            }
            md.append("\n");
        }
        if (!failures().isEmpty()) {
            md.append("## Failures\n\n");
            for (ScenarioResult f : failures()) {
                md.append("- ").append(header(f.run())).append(": ").append(f.feature()).append(" / ").append(f.scenario())
                        .append(" (").append(f.location()).append("): ").append(f.detail()).append("\n");
            }
        }
        return md.toString();
    }

    private void table(StringBuilder md, String title, boolean perServer, List<String> notes) {
        List<Run> cols = columns(perServer);
        if (cols.isEmpty()) return;
        md.append("## ").append(title).append("\n\n| Feature | Scenario |");
        cols.forEach(c -> md.append(' ').append(header(c)).append(" |"));
        md.append("\n|---|---|");
        cols.forEach(c -> md.append("---|"));
        md.append("\n");
        for (Map<Run, ScenarioResult> row : rows(perServer).values()) {
            ScenarioResult any = row.values().iterator().next();
            md.append("| ").append(any.feature()).append(" | ").append(any.scenario().replace("|", "\\|")).append(" |");
            for (Run c : cols) md.append(' ').append(cellText(row.get(c), notes)).append(" |");
            md.append("\n");
        }
        md.append("\n");
    }

    // ---- HTML ----

    private String html() {
        List<String> notes = notes();
        StringBuilder h = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>rpcws compatibility matrix</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}")
                .append("th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f4f4f4}")
                .append(".pass{background:#d9f2d9}.FAIL,.SKIPPED{background:#f8d0d0;font-weight:bold}.na{background:#eee;color:#666}")
                .append("</style></head><body><h1>rpcws compatibility matrix</h1><p>").append(esc(totals())).append("</p>");
        htmlTable(h, "Client scenarios", false, notes);
        htmlTable(h, "Per-server scenarios", true, notes);
        h.append("<h2>Not applicable, and why</h2><ol>");
        notes.forEach(n -> h.append("<li>").append(esc(n)).append("</li>"));
        h.append("</ol>");
        List<ScenarioResult> failures = failures();
        if (!failures.isEmpty()) {
            h.append("<h2>Failures</h2><ul>");
            for (int i = 0; i < failures.size(); i++) {
                ScenarioResult f = failures.get(i);
                h.append("<li id=\"f").append(i).append("\">").append(esc(header(f.run()))).append(": <b>").append(esc(f.scenario()))
                        .append("</b> (").append(esc(f.location())).append(")<br><code>").append(esc(f.detail())).append("</code></li>");
            }
            h.append("</ul>");
        }
        h.append("<p>Scenario steps in detail: the Cucumber reports in <code>cucumber/</code> beside this page.</p></body></html>");
        return h.toString();
    }

    private void htmlTable(StringBuilder h, String title, boolean perServer, List<String> notes) {
        List<Run> cols = columns(perServer);
        if (cols.isEmpty()) return;
        List<ScenarioResult> failures = failures();
        h.append("<h2>").append(esc(title)).append("</h2><table><tr><th>Feature</th><th>Scenario</th>");
        cols.forEach(c -> h.append("<th>").append(esc(header(c))).append("</th>"));
        h.append("</tr>");
        for (Map<Run, ScenarioResult> row : rows(perServer).values()) {
            ScenarioResult any = row.values().iterator().next();
            h.append("<tr><td>").append(esc(any.feature())).append("</td><td>").append(esc(any.scenario())).append("</td>");
            for (Run c : cols) {
                ScenarioResult r = row.get(c);
                if (r == null) {
                    h.append("<td>-</td>");
                } else if (r.bad()) {
                    h.append("<td class=\"").append(r.cell().label).append("\"><a href=\"#f").append(failures.indexOf(r)).append("\">")
                            .append(r.cell().label).append("</a></td>");
                } else {
                    String cls = r.cell() == ScenarioResult.Cell.PASS ? "pass" : "na";
                    h.append("<td class=\"").append(cls).append("\" title=\"").append(esc(r.detail() == null ? "" : r.detail())).append("\">")
                            .append(esc(cellText(r, notes))).append("</td>");
                }
            }
            h.append("</tr>");
        }
        h.append("</table>");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
