package dev.rpcws.features.report;

import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.Status;
import io.cucumber.plugin.event.TestCaseFinished;
import io.cucumber.plugin.event.TestSourceRead;
import org.opentest4j.TestAbortedException;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A Cucumber plugin that turns every finished scenario into a matrix cell of the current run. A scenario that
 * a hook aborted with a reason ({@link TestAbortedException}: it does not apply to this client or server) is
 * n/a with that reason; any other skip is a bad cell.
 */
public final class MatrixRecorder implements ConcurrentEventListener {
    private static final ConcurrentLinkedQueue<ScenarioResult> RESULTS = new ConcurrentLinkedQueue<>();
    private static final Map<String, String> DESCRIPTIONS = new ConcurrentHashMap<>();
    private static volatile Run current;
    private final Map<URI, String> featureNames = new ConcurrentHashMap<>();
    private final Map<URI, String[]> sources = new ConcurrentHashMap<>();

    /** Records what Cucumber runs from now on as cells of {@code run}. */
    public static void start(Run run) {
        current = run;
        RESULTS.clear();
    }

    /** Everything recorded since the last start or drain. */
    public static List<ScenarioResult> drain() {
        List<ScenarioResult> out = new ArrayList<>();
        ScenarioResult r;
        while ((r = RESULTS.poll()) != null) out.add(r);
        return out;
    }

    /** The free text under each "Feature:" line seen so far, by feature name. */
    public static Map<String, String> featureDescriptions() {
        return new LinkedHashMap<>(DESCRIPTIONS);
    }

    @Override public void setEventPublisher(EventPublisher publisher) {
        publisher.registerHandlerFor(TestSourceRead.class, this::read);
        publisher.registerHandlerFor(TestCaseFinished.class, this::finished);
    }

    private void read(TestSourceRead e) {
        String name = "?";
        StringBuilder description = new StringBuilder();
        boolean inDescription = false;
        for (String line : e.getSource().split("\n")) {
            String t = line.trim();
            if (t.startsWith("Feature:")) {
                name = t.substring(8).trim();
                inDescription = true;
            } else if (inDescription) {
                if (t.startsWith("@") || t.startsWith("#") || t.matches("^(Background|Scenario|Scenario Outline|Rule|Example):.*")) break;
                description.append(t).append(t.isEmpty() ? "\n" : " ");
            }
        }
        featureNames.put(e.getUri(), name);
        sources.put(e.getUri(), e.getSource().split("\n"));
        DESCRIPTIONS.put(name, description.toString().replaceAll(" *\n *", "\n").strip());
    }

    private void finished(TestCaseFinished e) {
        var testCase = e.getTestCase();
        String file = testCase.getUri().getPath();
        String location = "features/scenarios/" + file.substring(file.lastIndexOf('/') + 1) + ":" + testCase.getLocation().getLine();
        Status status = e.getResult().getStatus();
        Throwable error = e.getResult().getError();
        ScenarioResult.Cell cell;
        String detail = null;
        if (status == Status.SKIPPED && error instanceof TestAbortedException) {
            cell = ScenarioResult.Cell.NOT_APPLICABLE;
            detail = error.getMessage();
        } else if (status == Status.PASSED) {
            cell = ScenarioResult.Cell.PASS;
        } else if (status == Status.SKIPPED) {
            cell = ScenarioResult.Cell.SKIPPED;
            detail = "skipped without a reason";
        } else {
            cell = ScenarioResult.Cell.FAIL;
            detail = status + (error == null ? "" : ": " + oneLine(error.getMessage()));
        }
        RESULTS.add(new ScenarioResult(current, featureNames.getOrDefault(testCase.getUri(), file), testCase.getName(),
                heading(sources.get(testCase.getUri()), testCase.getLocation().getLine(), testCase.getName()), location, cell, detail));
    }

    /** An example's line is a table row: its heading is the outline's name above it, up to the first parameter. */
    private static String heading(String[] source, int line, String name) {
        if (source == null || line < 1 || line > source.length || !source[line - 1].trim().startsWith("|")) return name;
        for (int i = line - 1; i >= 0; i--) {
            String t = source[i].trim();
            if (t.matches("^Scenario (Outline|Template):.*")) {
                String outline = t.substring(t.indexOf(':') + 1).trim();
                int parameter = outline.indexOf('<');
                return (parameter < 0 ? outline : outline.substring(0, parameter)).strip();
            }
        }
        return name;
    }

    /** An assertion message on one line (AssertJ puts "expected ... but was ..." on later lines), cut at 400 characters. */
    private static String oneLine(String s) {
        if (s == null) return "";
        String flat = s.strip().replaceAll("\\s*\\n\\s*", " / ");
        return flat.length() <= 400 ? flat : flat.substring(0, 400) + "...";
    }
}
