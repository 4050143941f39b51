package dev.rpcws.features.report;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The matrix as a web page for people who never read the code: one table per feature with its description,
 * servers over clients in two header rows, every cell linked to its scenario in the run's Cucumber report,
 * the reasons for n/a and the failures below, and when, on what and with which versions it ran.
 */
final class HtmlReport {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String STYLE = """
            body{font:15px/1.4 system-ui,sans-serif;margin:1.5em 2em;color:#222}
            h1{margin:0 0 .3em}
            p,ul,ol{max-width:62em}
            .summary{font-size:1.1em;padding:.5em .9em;border-radius:6px;display:inline-block;margin:.2em 0}
            .ok{background:#dff3df}.bad{background:#f8cccc}
            nav{display:flex;flex-wrap:wrap;gap:.3em 1.2em;margin:1em 0;max-width:80em}
            h2{margin:1.8em 0 .3em;border-bottom:1px solid #ddd;padding-bottom:.2em}
            h3{margin:1.4em 0 .2em}
            .description{color:#444;margin:.2em 0 .6em}
            table{border-collapse:collapse;margin-bottom:.5em;table-layout:fixed;font-size:14px}
            th,td{border:1px solid #d0d0d0;padding:2px 6px}
            thead th{background:#f4f4f4;font-weight:600;font-size:.72em;vertical-align:bottom;padding:2px 3px}
            thead th.server{background:#e6edf7;text-align:center;font-size:.85em}
            tbody th{text-align:left;font-weight:normal;background:#fff;position:sticky;left:0}
            td{text-align:center;white-space:nowrap}
            td a{color:inherit;text-decoration:none;display:block}
            td a:hover{text-decoration:underline}
            td.pass{background:#dff3df;color:#1b5e20}
            td.fail{background:#f4b4b4;color:#7a0000;font-weight:bold;font-size:.85em}
            td.na{background:#f0f0f0;color:#6b6b6b;font-size:.9em}
            .legend span{padding:1px 6px;border-radius:3px;margin:0 .2em}
            table.about{table-layout:auto}
            .about th{text-align:left;font-weight:normal;background:#f7f7f7}
            .about td{text-align:left;white-space:normal}
            .about td.number{text-align:right}
            code{font-size:.9em}
            .scroll{overflow-x:auto;max-width:100%}
            li code{display:block;white-space:pre-wrap;overflow-wrap:anywhere;max-width:62em}
            """;

    // Widths in em of the tables' 14px: six clients on three servers fit a 1366-pixel screen (MatrixReportTest
    // holds it in Chromium); a wider table scrolls, the scenario column staying in view.
    private static final double SCENARIO_EM = 22;
    private static final double CELL_EM = 3.8;
    /** Server-only tables have a column per server, headed by the server's name alone. */
    private static final double SERVER_CELL_EM = 11;

    /** Where the features' descriptions send readers for the words they use; linked from this page beside it. */
    private static final String GLOSSARY = "features/scenarios/README.md";
    private static final String GLOSSARY_LINK = "<a href=\"../scenarios/README.md\">" + GLOSSARY + "</a>";

    private final Matrix matrix;
    private final List<String> notes;
    private final List<ScenarioResult> failures;

    HtmlReport(Matrix matrix) {
        this.matrix = matrix;
        this.notes = matrix.notes();
        this.failures = matrix.failures();
    }

    String render() {
        About about = matrix.about();
        StringBuilder h = new StringBuilder("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width\"><title>rpcws compatibility matrix</title><style>")
                .append(STYLE).append("</style></head><body>\n");
        h.append("<h1>rpcws compatibility matrix</h1>\n<p>Does each client work with each server? Every row is a scenario, written in ")
                .append("plain words (the <a href=\"../scenarios/README.md\">glossary</a> explains the terms); every column is one client ")
                .append("talking to one server. Click a cell to see the scenario's steps as they ran.</p>\n");
        h.append("<p class=\"summary ").append(failures.isEmpty() ? "ok" : "bad").append("\">").append(esc(matrix.summary()))
                .append("</p>\n<p>Ran ").append(DATE.format(about.date())).append(" on commit <code>").append(esc(about.commit()))
                .append("</code>; the versions of everything involved are <a href=\"#about\">at the end</a>.</p>\n");
        h.append("<p class=\"legend\"><span class=\"pass\" style=\"background:#dff3df\">✓</span> passed ")
                .append("<span style=\"background:#f4b4b4\">FAIL</span> failed ")
                .append("<span style=\"background:#f0f0f0\">n/a</span> does not apply to this client or server (the number is the reason, ")
                .append("<a href=\"#not-applicable\">listed below</a>)</p>\n");
        Map<String, Map<String, Map<Run, ScenarioResult>>> clientFeatures = matrix.features(false);
        Map<String, Map<String, Map<Run, ScenarioResult>>> serverFeatures = matrix.features(true);
        h.append("<nav>");
        clientFeatures.keySet().forEach(f -> h.append("<a href=\"#").append(anchor(f)).append("\">").append(esc(f)).append("</a> "));
        serverFeatures.keySet().forEach(f -> h.append("<a href=\"#").append(anchor(f)).append("\">").append(esc(f)).append("</a> "));
        h.append("</nav>\n");
        if (!clientFeatures.isEmpty()) h.append("<h2>What every client does</h2>\n");
        clientFeatures.forEach((feature, rows) -> feature(h, feature, rows));
        if (!serverFeatures.isEmpty()) h.append("<h2>What each server does (raw frames, several clients at once)</h2>\n");
        serverFeatures.forEach((feature, rows) -> feature(h, feature, rows));
        notApplicable(h);
        failures(h);
        about(h, about);
        return h.append("</body></html>\n").toString();
    }

    private void feature(StringBuilder h, String feature, Map<String, Map<Run, ScenarioResult>> rows) {
        List<Run> cols = matrix.columns(rows);
        h.append("<section id=\"").append(anchor(feature)).append("\"><h3>").append(esc(feature)).append("</h3>\n");
        for (String paragraph : matrix.description(feature).split("\n")) {
            if (!paragraph.isBlank()) h.append("<p class=\"description\">").append(esc(paragraph).replace(GLOSSARY, GLOSSARY_LINK)).append("</p>\n");
        }
        // Fixed widths: the same scenario column in every table, and equal cells; the scenario stays in view when a wide table scrolls.
        boolean perServer = cols.stream().allMatch(Run::perServer);
        double cellEm = perServer ? SERVER_CELL_EM : CELL_EM;
        h.append("<div class=\"scroll\"><table style=\"width:").append(em(SCENARIO_EM + cellEm * cols.size()))
                .append("\"><colgroup><col style=\"width:").append(em(SCENARIO_EM)).append("\">");
        cols.forEach(c -> h.append("<col style=\"width:").append(em(cellEm)).append("\">"));
        h.append("</colgroup><thead><tr><th rowspan=\"2\" scope=\"col\">Scenario</th>");
        for (int i = 0; i < cols.size(); ) {
            String server = cols.get(i).server();
            int span = 0;
            while (i < cols.size() && cols.get(i).server().equals(server)) {
                i++;
                span++;
            }
            h.append("<th class=\"server\" scope=\"colgroup\" colspan=\"").append(span).append("\"").append(perServer ? " rowspan=\"2\"" : "")
                    .append(">").append(esc(Names.server(server))).append("</th>");
        }
        h.append("</tr><tr>");
        if (!perServer) {
            cols.forEach(c -> h.append("<th scope=\"col\" title=\"").append(esc(Names.client(c.client()))).append("\">")
                    .append(esc(Names.header(c.client()))).append("</th>"));
        }
        h.append("</tr></thead><tbody>\n");
        rows.forEach((scenario, row) -> {
            h.append("<tr><th scope=\"row\">").append(esc(scenario)).append("</th>");
            for (Run c : cols) cell(h, row.get(c));
            h.append("</tr>\n");
        });
        h.append("</tbody></table></div></section>\n");
    }

    private void cell(StringBuilder h, ScenarioResult r) {
        if (r == null) {
            h.append("<td class=\"none\" title=\"not run\">-</td>");
            return;
        }
        String where = Names.run(r.run()) + ": ";
        switch (r.cell()) {
            case PASS -> h.append("<td class=\"pass\" data-cell=\"pass\"><a href=\"").append(esc(Matrix.cucumberLink(r)))
                    .append("\" title=\"").append(esc(where + "passed")).append("\">✓</a></td>");
            case NOT_APPLICABLE -> h.append("<td class=\"na\" data-cell=\"n/a\"><a href=\"").append(esc(Matrix.cucumberLink(r)))
                    .append("\" title=\"").append(esc(where + r.detail())).append("\">n/a ").append(notes.indexOf(r.detail()) + 1).append("</a></td>");
            default -> h.append("<td class=\"fail\" data-cell=\"").append(r.cell().label).append("\"><a href=\"#fail-").append(failures.indexOf(r))
                    .append("\" title=\"").append(esc(where + r.detail())).append("\">").append(mark(r.cell())).append("</a></td>");
        }
    }

    /** What a failed or unexplained cell shows: its label, SKIPPED as SKIP to fit the column (the tooltip says why). */
    static String mark(ScenarioResult.Cell cell) {
        return cell == ScenarioResult.Cell.SKIPPED ? "SKIP" : cell.label;
    }

    private void notApplicable(StringBuilder h) {
        if (notes.isEmpty()) return;
        h.append("<h2 id=\"not-applicable\">Not applicable, and why</h2>\n<ol>");
        notes.forEach(n -> h.append("<li>").append(esc(n)).append("</li>"));
        h.append("</ol>\n");
    }

    private void failures(StringBuilder h) {
        if (failures.isEmpty()) return;
        h.append("<h2 id=\"failures\">Failures</h2>\n<ul>");
        for (int i = 0; i < failures.size(); i++) {
            ScenarioResult f = failures.get(i);
            h.append("<li id=\"fail-").append(i).append("\"><b>").append(esc(Names.run(f.run()))).append("</b>: ").append(esc(f.feature()))
                    .append(" / <a href=\"").append(esc(Matrix.cucumberLink(f))).append("\">").append(esc(f.scenario())).append("</a> (")
                    .append(esc(f.location())).append(")<br><code>").append(esc(f.detail())).append("</code></li>\n");
        }
        h.append("</ul>\n");
    }

    private void about(StringBuilder h, About about) {
        h.append("<h2 id=\"about\">About this run</h2>\n<table class=\"about\"><tbody>");
        row(h, "Date", DATE.format(about.date()));
        row(h, "Commit", about.commit());
        row(h, "Time", about.seconds() + " s for " + matrix.runs().size() + " runs");
        about.versions().forEach((what, version) -> row(h, what, version));
        h.append("</tbody></table>\n<h3>Clients</h3>\n<table class=\"about\"><tbody>");
        about.clients().forEach((client, where) -> row(h, Names.client(client), Names.clientDetail(client) + ". Ran: " + where));
        h.append("</tbody></table>\n<h3>Servers</h3>\n<table class=\"about\"><tbody>");
        matrix.runs().stream().map(Run::server).distinct().forEach(s -> row(h, Names.server(s), Names.serverDetail(s)));
        h.append("</tbody></table>\n<h3>Seconds per run</h3>\n<p>Wall time of each run, starting its client (the first run of a client) ")
                .append("and its server included.</p>\n<table class=\"about\"><thead><tr><th></th>");
        List<String> servers = matrix.runs().stream().map(Run::server).distinct().toList();
        servers.forEach(server -> h.append("<th scope=\"col\">").append(esc(Names.server(server))).append("</th>"));
        h.append("</tr></thead><tbody>");
        for (String client : matrix.runs().stream().map(Run::client).distinct().toList()) {
            h.append("<tr><th scope=\"row\">").append(esc(Names.client(client))).append("</th>");
            for (String server : servers) {
                Long ms = matrix.millis(new Run(client, server));
                h.append("<td class=\"number\">").append(ms == null ? "-" : Matrix.seconds(ms)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static void row(StringBuilder h, String name, String value) {
        h.append("<tr><th scope=\"row\">").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static String em(double width) {
        return String.format(Locale.ROOT, "%.1fem", width);
    }

    static String anchor(String feature) {
        return "feature-" + feature.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
