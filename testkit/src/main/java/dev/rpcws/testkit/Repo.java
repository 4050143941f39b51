package dev.rpcws.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths inside the repository, found from wherever a test runs (module folder or root). */
public final class Repo {
    private static final Path ROOT = find();

    private Repo() {}

    public static Path root() {
        return ROOT;
    }

    public static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    /** Where tests keep logs of the processes they start: {@code <repo>/target/test-logs}. */
    public static Path logs() {
        Path dir = ROOT.resolve("target").resolve("test-logs");
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return dir;
    }

    private static Path find() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("clients-js")) && Files.isDirectory(p.resolve("protocol"))) return p;
            p = p.getParent();
        }
        throw new IllegalStateException("cannot find the rpcws repository root above " + Path.of("").toAbsolutePath());
    }
}
