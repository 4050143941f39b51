package dev.rpcws.features.report;

/**
 * One scenario's outcome in one run: a cell of the matrix. {@code heading}: the scenario's heading as its
 * Cucumber report shows it (an example of a Scenario Outline: the outline's name up to its first parameter);
 * {@code detail}: why n/a, or what failed.
 */
public record ScenarioResult(Run run, String feature, String scenario, String heading, String location, Cell cell, String detail) {
    public enum Cell {
        PASS("pass"), FAIL("FAIL"), NOT_APPLICABLE("n/a"), SKIPPED("SKIPPED");

        public final String label;

        Cell(String label) {
            this.label = label;
        }
    }

    /** A failure or an unexplained skip: a cell that is not allowed to be there. */
    public boolean bad() {
        return cell == Cell.FAIL || cell == Cell.SKIPPED;
    }
}
