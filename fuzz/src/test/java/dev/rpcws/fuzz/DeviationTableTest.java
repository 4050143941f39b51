package dev.rpcws.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.testkit.Repo;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's table "On the wire" is exactly the set of the fuzzer's normalisers and rules: a row per
 * {@link Deviation}, named alike, and no other row; the rows no fuzzed session reaches are in the table after it.
 */
class DeviationTableTest {
    @Test void theWireTableIsExactlyTheFuzzersDeviations() throws IOException {
        List<String> readme = Files.readAllLines(Repo.path("README.md"));
        List<String> wire = rowIds(readme, "### On the wire");
        List<String> unreachable = rowIds(readme, "### Lifecycle, liveness, limits and timing");
        assertThat(wire).as("rows of the table \"On the wire\"")
                .containsExactlyElementsOf(Arrays.stream(Deviation.values()).map(Enum::name).toList());
        assertThat(unreachable).as("rows no fuzzed session reaches").isNotEmpty().doesNotContainAnyElementsOf(wire);
    }

    /** A row's last column says what its constant does: "normalised" iff it normalises, "kept apart" iff it keeps inputs apart. */
    @Test void eachRowSaysWhatItsConstantDoes() throws IOException {
        Map<String, String> fuzzerColumn = new LinkedHashMap<>();
        for (String[] row : rows(Files.readAllLines(Repo.path("README.md")), "### On the wire")) fuzzerColumn.put(row[0], row[row.length - 1]);
        for (Deviation d : Deviation.values()) {
            String says = fuzzerColumn.get(d.name());
            assertThat(says).as("row %s", d).isNotNull();
            assertThat(says.startsWith("normalised")).as("%s: the row says \"normalised\" iff the constant normalises: %s", d, says)
                    .isEqualTo(overrides(d, "normalise", Comparison.Exchange.class));
            assertThat(says.contains("kept apart")).as("%s: the row says \"kept apart\" iff the constant keeps inputs apart: %s", d, says)
                    .isEqualTo(overrides(d, "keepsApart", JsonNode.class) || overrides(d, "keepsApart", String.class) || overrides(d, "keepsApart", Session.class));
        }
    }

    private static boolean overrides(Deviation d, String method, Class<?> parameter) {
        try {
            return d.getClass().getDeclaredMethod(method, parameter) != null;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** The ids in the first column of the table under {@code heading}, in order. */
    private static List<String> rowIds(List<String> lines, String heading) {
        return rows(lines, heading).stream().map(row -> row[0]).toList();
    }

    /** The rows of the table under {@code heading} whose first cell is an id, as trimmed cells. */
    private static List<String[]> rows(List<String> lines, String heading) {
        int at = lines.indexOf(heading);
        assertThat(at).as("README heading %s", heading).isNotNegative();
        List<String[]> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : lines.subList(at + 1, lines.size())) {
            if (line.startsWith("|")) {
                inTable = true;
                String[] cells = Arrays.stream(line.substring(1).split("\\|")).map(String::trim).toArray(String[]::new);
                if (cells[0].matches("D\\d+")) rows.add(cells);
            } else if (inTable || line.startsWith("#")) {
                break;
            }
        }
        return rows;
    }
}
