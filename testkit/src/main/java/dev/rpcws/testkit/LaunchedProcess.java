package dev.rpcws.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one process launcher: starts a command, waits for its start-up line, keeps its whole output in a
 * log file (named after the process) for post-mortems, and can pause (SIGSTOP), resume, terminate (SIGTERM),
 * kill (SIGKILL) and stop it. A command that runs to its end (a tool, a CLI refusing its options) is {@link #run}.
 */
public final class LaunchedProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;
    private final Matcher ready;

    private LaunchedProcess(String name, Process process, Path log, Matcher ready) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.ready = ready;
    }

    /**
     * Starts {@code command} in {@code dir} and waits up to {@code timeout} for a stdout line matching
     * {@code readyLine}; stdout and stderr go to {@code <repo>/target/test-logs/<name>.log}.
     */
    public static LaunchedProcess start(String name, List<String> command, Path dir, Pattern readyLine, Duration timeout) {
        Path log = Repo.logs().resolve(name + ".log");
        Process p;
        try {
            Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
        CompletableFuture<Matcher> readyFuture = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(p, log, readyLine, readyFuture), name + "-stdout");
        pump.setDaemon(true);
        pump.start();
        try {
            Matcher m = readyFuture.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new LaunchedProcess(name, p, log, m);
        } catch (TimeoutException | InterruptedException | java.util.concurrent.ExecutionException e) {
            p.destroyForcibly();
            throw new IllegalStateException(name + " did not print its start-up line within " + timeout.toMillis()
                    + " ms; exit=" + (p.isAlive() ? "running" : p.exitValue()) + "; see " + log, e);
        }
    }

    /** What a command that ran to its end printed, and its exit status. */
    public record Finished(int exitCode, String stdout, String stderr) {}

    /**
     * Runs {@code command} in {@code dir} to its end with {@code input} on its stdin, and returns what it printed;
     * past {@code timeout} it is killed and this fails. Both outputs also go to {@code <repo>/target/test-logs/<name>.log}.
     */
    public static Finished run(String name, List<String> command, Path dir, String input, Duration timeout) {
        Path log = Repo.logs().resolve(name + ".log");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (var stdin = p.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            } catch (IOException exitedEarly) {
                // it did not read its input: its exit status and output say why
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(name + " did not end within " + timeout.toMillis() + " ms: " + command);
            }
            Finished done = new Finished(p.exitValue(), out.join(), err.join());
            Files.writeString(log, "$ " + String.join(" ", command) + "\n" + done.stdout() + done.stderr() + "exit " + done.exitCode() + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return done;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + name + ": " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String readAll(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pump(Process p, Path log, Pattern readyLine, CompletableFuture<Matcher> ready) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                Matcher m = readyLine.matcher(line);
                if (!ready.isDone() && m.find()) ready.complete(m);
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            ready.completeExceptionally(new IllegalStateException("process output ended before its start-up line"));
        }
    }

    /** A group of the start-up line's pattern, e.g. the port the process chose. */
    public String ready(int group) {
        return ready.group(group);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** SIGSTOP: the process keeps its sockets open but answers nothing (a hung peer). */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String sig) {
        try {
            int rc = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start().waitFor();
            if (rc != 0) throw new IllegalStateException("kill -" + sig + " " + process.pid() + " exited " + rc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL after 5 s) and waits for it. */
    @Override public void close() {
        if (!process.isAlive()) return;
        try {
            resume(); // a paused process cannot handle SIGTERM
        } catch (IllegalStateException alreadyGone) {
            // it exited meanwhile, and Java may not have seen it yet: wait below, so isAlive() is false on return
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM without waiting: the process shuts down (or drains) in its own time; see {@link #waitForExit}. */
    public void terminate() {
        signal("TERM");
    }

    /** Waits up to {@code timeout} for the process to end; its exit status, or null if it still runs. */
    public Integer waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override public String toString() {
        return name + "(pid " + process.pid() + ")";
    }
}
