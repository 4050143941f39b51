package dev.rpcws.features.drivers;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Debian's headless {@code chromium} (scripts/setup.sh installs it) driven through Playwright, on a fresh profile:
 * the browser column's browser, and the one that checks how the matrix page looks. Playwright never downloads a
 * browser, and runs its driver on the Node.js that its driver-bundle jar carries for this platform, never on the
 * system's: Playwright 1.62's driver needs Node 20 or newer, and Debian bookworm's nodejs is 18.
 */
public final class Chromium implements AutoCloseable {
    private static final Path EXECUTABLE = Path.of(System.getProperty("rpcws.chromium", "/usr/bin/chromium"));
    private static final List<String> ARGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");

    private final Playwright playwright;
    private final Path profile;
    private final BrowserContext browser;

    private Chromium(Playwright playwright, Path profile, BrowserContext browser) {
        this.playwright = playwright;
        this.profile = profile;
        this.browser = browser;
    }

    /** Starts Playwright and Chromium; says how long each took on stderr. */
    public static Chromium start() {
        if (!Files.isExecutable(EXECUTABLE)) throw new IllegalStateException(EXECUTABLE + " is missing: run bash scripts/setup.sh");
        Playwright playwright = null;
        Path profile = null;
        long start = System.nanoTime();
        try {
            playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
            long playwrightReady = System.nanoTime();
            // A persistent context on a new directory: a fresh profile (launch() refuses --user-data-dir).
            profile = Files.createTempDirectory("rpcws-chromium-");
            BrowserContext browser = playwright.chromium().launchPersistentContext(profile, new BrowserType.LaunchPersistentContextOptions()
                    .setExecutablePath(EXECUTABLE).setHeadless(true).setArgs(ARGS));
            System.err.printf("[browser] Playwright %d ms, Chromium %d ms%n", millis(start, playwrightReady), millis(playwrightReady, System.nanoTime()));
            return new Chromium(playwright, profile, browser);
        } catch (IOException | RuntimeException e) {
            if (playwright != null) playwright.close();
            if (profile != null) delete(profile);
            throw new IllegalStateException("the browser did not start: " + e.getMessage(), e);
        }
    }

    /** The page the browser opened with. */
    public Page page() {
        return browser.pages().isEmpty() ? browser.newPage() : browser.pages().get(0);
    }

    /** {@code headless Chromium 150.0..., driven through Playwright 1.62.0}. */
    public String runtime() {
        return "headless Chromium " + browser.browser().version() + ", driven through Playwright "
                + Objects.requireNonNullElse(Playwright.class.getPackage().getImplementationVersion(), "(version unknown)");
    }

    /** Closes the browser and deletes its profile. */
    @Override public void close() {
        try {
            browser.close();
            playwright.close();
        } finally {
            delete(profile);
        }
    }

    private static long millis(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary profile left behind is harmless
        }
    }
}
