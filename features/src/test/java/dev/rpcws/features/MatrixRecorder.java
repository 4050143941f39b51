package dev.rpcws.features;

import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.Status;
import io.cucumber.plugin.event.TestCaseFinished;
import io.cucumber.plugin.event.TestSourceRead;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A Cucumber plugin that turns every finished scenario into a matrix cell of the current run. */
public final class MatrixRecorder implements ConcurrentEventListener {
    private static final ConcurrentLinkedQueue<ScenarioResult> RESULTS = new ConcurrentLinkedQueue<>();
    private final Map<URI, String> featureNames = new ConcurrentHashMap<>();

    /** Everything recorded since the last drain. */
    static List<ScenarioResult> drain() {
        List<ScenarioResult> out = new ArrayList<>();
        ScenarioResult r;
        while ((r = RESULTS.poll()) != null) out.add(r);
        return out;
    }

    @Override public void setEventPublisher(EventPublisher publisher) {
        publisher.registerHandlerFor(TestSourceRead.class, e -> featureNames.put(e.getUri(), featureName(e.getSource())));
        publisher.registerHandlerFor(TestCaseFinished.class, this::finished);
    }

    private void finished(TestCaseFinished e) {
        Run run = Interop.current();
        var testCase = e.getTestCase();
        String file = testCase.getUri().getPath();
        String location = "features/scenarios/" + file.substring(file.lastIndexOf('/') + 1) + ":" + testCase.getLocation().getLine();
        String notApplicable = Applicability.reasonNotApplicable(testCase.getTags(), run);
        Status status = e.getResult().getStatus();
        ScenarioResult.Cell cell;
        String detail = null;
        if (notApplicable != null) {
            cell = ScenarioResult.Cell.NOT_APPLICABLE;
            detail = notApplicable;
        } else if (status == Status.PASSED) {
            cell = ScenarioResult.Cell.PASS;
        } else if (status == Status.SKIPPED) {
            cell = ScenarioResult.Cell.SKIPPED;
            detail = "skipped without a reason";
        } else {
            cell = ScenarioResult.Cell.FAIL;
            Throwable error = e.getResult().getError();
            detail = status + (error == null ? "" : ": " + oneLine(error.getMessage()));
        }
        RESULTS.add(new ScenarioResult(run, featureNames.getOrDefault(testCase.getUri(), file), testCase.getName(), location, cell, detail));
    }

    private static String featureName(String source) {
        for (String line : source.split("\n")) {
            String t = line.trim();
            if (t.startsWith("Feature:")) return t.substring(8).trim();
        }
        return "?";
    }

    /** An assertion message on one line (AssertJ puts "expected ... but was ..." on later lines), cut at 400 characters. */
    private static String oneLine(String s) {
        if (s == null) return "";
        String flat = s.strip().replaceAll("\\s*\\n\\s*", " / ");
        return flat.length() <= 400 ? flat : flat.substring(0, 400) + "...";
    }
}
