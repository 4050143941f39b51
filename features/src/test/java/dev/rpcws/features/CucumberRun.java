package dev.rpcws.features;

import dev.rpcws.features.report.MatrixRecorder;
import dev.rpcws.features.report.Run;
import dev.rpcws.features.report.ScenarioResult;

import java.nio.file.Path;
import java.util.List;

/** Runs the Gherkin scenarios of one matrix run through Cucumber's own runner and returns its cells. */
final class CucumberRun {
    static final Path SCENARIOS = Path.of("scenarios");
    static final Path REPORTS = Path.of("target");

    private CucumberRun() {}

    static List<ScenarioResult> execute(Run run) {
        return execute(run, "");
    }

    /** {@code reportPrefix} keeps the Cucumber report of a special run apart from the matrix's. */
    static List<ScenarioResult> execute(Run run, String reportPrefix) {
        System.setProperty("cucumber.publish.quiet", "true");
        Interop.begin(run);
        MatrixRecorder.start(run);
        String[] argv = {
                "--glue", "dev.rpcws.features.steps",
                "--plugin", MatrixRecorder.class.getName(),
                "--plugin", "html:" + REPORTS.resolve("cucumber").resolve(reportPrefix + run.reportName() + ".html"),
                "--plugin", "summary",
                "--tags", Applicability.tags(run),
                "--monochrome",
                SCENARIOS.toString()};
        io.cucumber.core.cli.Main.run(argv, Thread.currentThread().getContextClassLoader());
        return MatrixRecorder.drain();
    }
}
