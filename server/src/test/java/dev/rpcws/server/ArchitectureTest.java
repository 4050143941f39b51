package dev.rpcws.server;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import dev.rpcws.protocol.Wire;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layout holds: the server's packages depend on one another in one direction, and the main code of every
 * module takes the wire's names from protocol's {@link Wire}.
 */
class ArchitectureTest {
    private static final String SERVER = "dev.rpcws.server";
    /** Tests run in the module's folder. */
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void noImportCycleBetweenServerPackages() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(SERVER);
        assertThat(classes).as("classes imported").hasSizeGreaterThan(20);
        slices().assignedFrom(new EachPackage()).should().beFreeOfCycles().check(classes);
    }

    @Test
    void theWiresNamesAreWrittenOnlyInWire() throws IOException {
        List<String> literals = new ArrayList<>();
        for (Field f : Wire.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    literals.add("\"" + f.get(null) + "\"");
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        assertThat(literals).as("Wire's names").contains("\"rpc.login\"", "\"not subscribed\"");
        Path wire = Path.of("protocol/src/main/java/dev/rpcws/protocol/Wire.java");
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(REPO)) {
            for (Path main : (Iterable<Path>) modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory)::iterator) {
                try (Stream<Path> files = Files.walk(main)) {
                    files.filter(f -> f.toString().endsWith(".java") && !f.endsWith(wire)).forEach(sources::add);
                }
            }
        }
        assertThat(sources).as("main sources of every module").anyMatch(p -> p.endsWith("RpcServer.java")).anyMatch(p -> p.endsWith("RpcClient.java"));
        List<String> found = new ArrayList<>();
        for (Path p : sources) {
            String text = Files.readString(p);
            for (String literal : literals) {
                if (text.contains(literal)) found.add(REPO.relativize(p) + ": " + literal);
            }
        }
        assertThat(found).as("the wire's names written outside Wire: use dev.rpcws.protocol.Wire").isEmpty();
    }

    /** One slice per package, sub-packages apart. */
    private static final class EachPackage implements SliceAssignment {
        @Override public SliceIdentifier getIdentifierOf(JavaClass c) {
            return c.getPackageName().startsWith(SERVER) ? SliceIdentifier.of(c.getPackageName()) : SliceIdentifier.ignore();
        }

        @Override public String getDescription() {
            return "each package of " + SERVER;
        }
    }
}
