package dev.rpcws.client.support;

import dev.rpcws.client.ConnectionListener;
import dev.rpcws.client.RpcClientException;
import dev.rpcws.testkit.Poll;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records a client's lifecycle callbacks as short lines ({@code open}, {@code close 1006},
 * {@code reconnecting 1 100}, {@code reconnected true}, {@code max 1006}, {@code error CONNECT_FAILED}), with
 * when and on which thread each arrived, so tests assert the exact sequence.
 */
public final class Recorder implements ConnectionListener {
    /** One callback. */
    public record Entry(String line, long nanos, String thread) {}

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    @Override public void onOpen() { add("open"); }
    @Override public void onClose(int code, String reason) { add("close " + code); }
    @Override public void onReconnecting(int attempt, Duration delay) { add("reconnecting " + attempt + " " + delay.toMillis()); }
    @Override public void onReconnected(boolean eventsMayHaveBeenMissed) { add("reconnected " + eventsMayHaveBeenMissed); }
    @Override public void onMaxReconnectsReached(int code, String reason) { add("max " + code); }

    @Override public void onError(Throwable cause) {
        // Every error the SDK reports is an RpcClientException; anything else shows up as "error foreign ...".
        add("error " + (cause instanceof RpcClientException e ? e.kind().name() : "foreign " + cause));
    }

    private void add(String line) {
        entries.add(new Entry(line, System.nanoTime(), Thread.currentThread().getName()));
    }

    /** The lines so far, errors left out (their number depends on timing). */
    public List<String> lines() {
        return entries.stream().map(Entry::line).filter(l -> !l.startsWith("error")).toList();
    }

    public List<String> allLines() {
        return entries.stream().map(Entry::line).toList();
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** Waits for the first entry whose line starts with {@code prefix} and returns it. */
    public Entry await(String prefix, Duration timeout) {
        return Poll.value("a '" + prefix + "' callback (so far: " + allLines() + ")", timeout,
                () -> entries.stream().filter(e -> e.line().startsWith(prefix)).findFirst().orElse(null));
    }

    /** Waits for the {@code n}-th (from 1) entry starting with {@code prefix}. */
    public Entry await(String prefix, int n, Duration timeout) {
        return Poll.value(n + " '" + prefix + "' callbacks (so far: " + allLines() + ")", timeout,
                () -> entries.stream().filter(e -> e.line().startsWith(prefix)).skip(n - 1L).findFirst().orElse(null));
    }

    public long count(String prefix) {
        return entries.stream().filter(e -> e.line().startsWith(prefix)).count();
    }
}
