package dev.rpcws.features.report;

import com.microsoft.playwright.Page;
import dev.rpcws.features.drivers.Chromium;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reports show every recorded cell where a reader looks for it: in the HTML, under its feature, in its
 * scenario's row and in the column headed by its server and client, with its status and a link; the terminal
 * form fits 120 columns and names every failing cell. A synthetic matrix of every kind of cell, no servers.
 */
class MatrixReportTest {
    private static final List<String> CLIENTS = List.of("java", "node", "python", "python-sync", "node-legacy", "browser");
    private static final List<String> SERVERS = List.of("jetty", "node", "jetty-deflate");
    private static final String LONG_FAILURE = "FAILED: [the same payload comes back] expected: \"" + "x".repeat(300) + "\" but was: \"y\"";

    private final List<Run> runs = new ArrayList<>();
    private final List<ScenarioResult> results = new ArrayList<>();
    private final Map<Run, Long> millis = new LinkedHashMap<>();

    MatrixReportTest() {
        for (String server : SERVERS) for (String client : CLIENTS) runs.add(new Run(client, server));
        for (String server : SERVERS) runs.add(new Run(Run.ANY, server));
        for (Run run : runs) {
            millis.put(run, 1234L);
            if (run.perServer()) {
                cell(run, "The wire, frame by frame", "An empty batch is refused", ScenarioResult.Cell.PASS, null);
                continue;
            }
            cell(run, "Calls", "A call with positional parameters", ScenarioResult.Cell.PASS, null);
            cell(run, "Calls", "A 1 MiB payload round-trips",
                    run.equals(new Run("python", "jetty-deflate")) ? ScenarioResult.Cell.FAIL : ScenarioResult.Cell.PASS,
                    run.equals(new Run("python", "jetty-deflate")) ? LONG_FAILURE : null);
            if (run.server().equals("jetty-deflate")) continue; // only some features run compressed
            cell(run, "Heartbeats", "An idle client answers the server's pings and stays connected",
                    run.server().equals("node") ? ScenarioResult.Cell.NOT_APPLICABLE : ScenarioResult.Cell.PASS,
                    run.server().equals("node") ? "the reference server never pings" : null);
            // A reason of its own per run, so that cells read "n/a 10" and up, as on a real page.
            cell(run, "Heartbeats", "A client that stops reading is dropped within the heartbeat window",
                    run.equals(new Run("java", "jetty")) ? ScenarioResult.Cell.SKIPPED : ScenarioResult.Cell.NOT_APPLICABLE,
                    run.equals(new Run("java", "jetty")) ? "skipped without a reason" : Names.client(run.client()) + " cannot stop reading its socket on " + run.server());
        }
    }

    private void cell(Run run, String feature, String scenario, ScenarioResult.Cell cell, String detail) {
        results.add(new ScenarioResult(run, feature, scenario, scenario, "features/scenarios/x.feature:1", cell, detail));
    }

    private Matrix matrix() {
        Map<String, String> clients = new LinkedHashMap<>();
        CLIENTS.forEach(c -> clients.put(c, "local process"));
        About about = new About(Instant.parse("2026-01-02T03:04:05Z"), "0123456789ab", 117, clients, Map.of("Java", "17"));
        return new Matrix(runs, results, millis, Map.of("Calls", "A client calls a method.\nSecond paragraph."), about);
    }

    @Test
    void theHtmlShowsEveryCellUnderItsServerAndClientWithItsStatusAndALink() throws Exception {
        Path dir = Path.of("target", "matrix-report-test");
        matrix().write(dir, "compat-matrix");
        Document page = Jsoup.parse(Files.readString(dir.resolve("compat-matrix.html"), StandardCharsets.UTF_8));

        assertThat(page.select("td[data-cell]")).as("cells on the page").hasSize(results.size());
        for (ScenarioResult r : results) {
            Element td = cellOf(page, r);
            assertThat(td).as("cell of " + r).isNotNull();
            Element link = td.selectFirst("a[href]");
            assertThat(link).as("link in the cell of " + r).isNotNull();
            switch (r.cell()) {
                case PASS -> {
                    assertThat(td.text()).isEqualTo("✓");
                    assertThat(link.attr("href")).isEqualTo(Matrix.cucumberLink(r)).startsWith("cucumber/" + r.run().reportName() + ".html#:~:text=");
                }
                case NOT_APPLICABLE -> {
                    assertThat(td.text()).matches("n/a \\d+");
                    int note = Integer.parseInt(td.text().substring(4));
                    assertThat(page.select("#not-applicable + ol > li").get(note - 1).text()).isEqualTo(r.detail());
                    assertThat(link.attr("title")).endsWith(r.detail());
                }
                default -> {
                    assertThat(td.attr("data-cell")).isEqualTo(r.cell().label);
                    assertThat(td.text()).isEqualTo(HtmlReport.mark(r.cell()));
                    Element failure = page.getElementById(link.attr("href").substring(1));
                    assertThat(failure).as("failure entry of " + r).isNotNull();
                    assertThat(failure.text()).contains(r.scenario()).contains(r.detail()).contains(Names.run(r.run()));
                }
            }
        }
        assertThat(page.text()).contains("2026-01-02 03:04 UTC").contains("0123456789ab");
        assertThat(page.select("#about + table tr").eachText()).contains("Java 17");
        assertThat(page.select("p.description").eachText()).containsExactly("A client calls a method.", "Second paragraph.");
    }

    /**
     * The page as a person sees it on a 1366 x 768 screen, in headless Chromium: six clients on three servers, and
     * no table needs scrolling sideways nor does any header or cell spill out of its box. Leaves a screenshot of
     * the first screen in target/matrix-report-test.
     */
    @Test
    void onA1366PixelScreenEveryTableFitsAndNoHeaderOrCellSpillsOver() {
        Path dir = Path.of("target", "matrix-report-test");
        matrix().write(dir, "compat-matrix");
        try (Chromium chromium = Chromium.start()) {
            Page page = chromium.page();
            page.setViewportSize(1366, 768);
            page.navigate(dir.toAbsolutePath().resolve("compat-matrix.html").toUri().toString());
            page.screenshot(new Page.ScreenshotOptions().setPath(dir.resolve("compat-matrix-1366x768.png")));
            assertThat(page.evaluate("() => document.querySelectorAll('section table').length")).as("tables on the page").isEqualTo(3);
            assertThat(page.evaluate("() => [...document.querySelectorAll('div.scroll')]"
                    + ".filter(d => d.scrollWidth > d.clientWidth).map(d => d.parentElement.id + ': ' + d.scrollWidth + ' px')"))
                    .as("tables wider than the screen").asList().isEmpty();
            assertThat(page.evaluate("() => [...document.querySelectorAll('thead th, td')].filter(c => c.scrollWidth > c.clientWidth)"
                    + ".map(c => c.closest('section').id + ': ' + c.textContent + ' (' + c.scrollWidth + ' px in ' + c.clientWidth + ')')"))
                    .as("headers and cells whose text spills over").asList().isEmpty();
        }
    }

    /** The td of a result: its feature's table, its scenario's row, the column whose headers name its server and client. */
    private static Element cellOf(Document page, ScenarioResult r) {
        Element section = page.getElementById(HtmlReport.anchor(r.feature()));
        assertThat(section).as("section of " + r.feature()).isNotNull();
        assertThat(section.selectFirst("h3").text()).isEqualTo(r.feature());
        List<String> columns = columns(section.selectFirst("thead"));
        int index = columns.indexOf(Names.server(r.run().server()) + " / " + (r.run().perServer() ? "" : Names.client(r.run().client())));
        assertThat(index).as("column of " + Names.run(r.run()) + " among " + columns).isNotNegative();
        if (!r.run().perServer()) {
            assertThat(section.select("thead tr").get(1).select("th").get(index).text()).isEqualTo(Names.header(r.run().client()));
        }
        for (Element row : section.select("tbody > tr")) {
            if (row.selectFirst("th").text().equals(r.scenario())) return row.select("td").get(index);
        }
        return null;
    }

    /** "server / client" for each data column, from the two header rows (servers span their clients). */
    private static List<String> columns(Element thead) {
        Elements rows = thead.select("tr");
        List<String> servers = new ArrayList<>();
        for (Element th : rows.get(0).select("th.server")) {
            int span = Integer.parseInt(th.attr("colspan"));
            for (int i = 0; i < span; i++) servers.add(th.text());
        }
        List<String> clients = rows.get(1).select("th").eachAttr("title"); // the client's full name; the text is short
        List<String> out = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) out.add(servers.get(i) + " / " + (clients.isEmpty() ? "" : clients.get(i)));
        return out;
    }

    @Test
    void theTerminalFormFitsOneHundredTwentyColumnsAndNamesEveryFailingCell() {
        Matrix matrix = matrix();
        List<String> lines = new ArrayList<>(TerminalReport.summary(matrix));
        for (Run run : runs) lines.add(TerminalReport.progress(1, runs.size(), run, results.stream().filter(r -> r.run().equals(run)).toList(), 1234));
        assertThat(lines).allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(TerminalReport.WIDTH));
        String text = String.join("\n", lines);
        for (ScenarioResult f : matrix.failures()) assertThat(text).contains(Names.run(f.run()) + ": " + f.feature() + " / " + f.scenario());
        assertThat(text).contains("x".repeat(100)).contains("\"y\"");
        assertThat(text).contains(matrix.summary());
        assertThat(TerminalReport.progress(1, 18, new Run("browser", "jetty-deflate"), List.of(), 99_999)).hasSizeLessThanOrEqualTo(TerminalReport.WIDTH);
    }

    @Test
    void theMarkdownHasARowPerScenarioAndAColumnPerRun() {
        String md = matrix().markdown();
        for (ScenarioResult r : results) assertThat(md).contains("| " + r.scenario() + " |");
        assertThat(md).contains("Python client<br>rpcws (Jetty), permessage-deflate").contains("**FAIL**").contains("**SKIPPED**");
    }
}
