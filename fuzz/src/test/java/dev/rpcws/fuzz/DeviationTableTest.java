package dev.rpcws.fuzz;

import dev.rpcws.testkit.Repo;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

    /** The ids in the first column of the table under {@code heading}, in order. */
    private static List<String> rowIds(List<String> lines, String heading) {
        int at = lines.indexOf(heading);
        assertThat(at).as("README heading %s", heading).isNotNegative();
        List<String> ids = new ArrayList<>();
        boolean inTable = false;
        for (String line : lines.subList(at + 1, lines.size())) {
            if (line.startsWith("|")) {
                inTable = true;
                String id = line.split("\\|")[1].trim();
                if (id.matches("D\\d+")) ids.add(id);
            } else if (inTable || line.startsWith("#")) {
                break;
            }
        }
        return ids;
    }
}
