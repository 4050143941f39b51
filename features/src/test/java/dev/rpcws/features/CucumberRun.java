package dev.rpcws.features;

import dev.rpcws.features.report.MatrixRecorder;
import dev.rpcws.features.report.Run;
import dev.rpcws.features.report.ScenarioResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the Gherkin scenarios of one matrix run through Cucumber's own runner and returns its cells. */
final class CucumberRun {
    static final Path SCENARIOS = Path.of("scenarios");
    static final Path REPORTS = Path.of("target");

    private CucumberRun() {}

    static List<ScenarioResult> execute(Run run) {
        return execute(run, "");
    }

    static List<ScenarioResult> execute(Run run, String reportPrefix) {
        return execute(run, reportPrefix, null);
    }

    /**
     * {@code reportPrefix} keeps the Cucumber report of a special run apart from the matrix's; {@code tags} (a
     * Cucumber tag expression, or null) and {@code features} (file names in scenarios/, none meaning all) narrow it.
     */
    static List<ScenarioResult> execute(Run run, String reportPrefix, String tags, String... features) {
        System.setProperty("cucumber.publish.quiet", "true");
        Interop.begin(run);
        MatrixRecorder.start(run);
        List<String> argv = new ArrayList<>(List.of(
                "--glue", "dev.rpcws.features.steps",
                "--plugin", MatrixRecorder.class.getName(),
                "--plugin", "html:" + REPORTS.resolve("cucumber").resolve(reportPrefix + run.reportName() + ".html"),
                "--plugin", "summary",
                "--tags", tags == null ? Applicability.tags(run) : "(" + Applicability.tags(run) + ") and (" + tags + ")",
                "--monochrome"));
        if (features.length == 0) argv.add(SCENARIOS.toString());
        for (String feature : features) argv.add(SCENARIOS.resolve(feature).toString());
        io.cucumber.core.cli.Main.run(argv.toArray(String[]::new), Thread.currentThread().getContextClassLoader());
        return MatrixRecorder.drain();
    }
}
