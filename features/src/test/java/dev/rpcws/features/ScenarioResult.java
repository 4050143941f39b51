package dev.rpcws.features;

/** One scenario's outcome in one run: a cell of the matrix. */
public record ScenarioResult(Run run, String feature, String scenario, String location, Cell cell, String detail) {
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
