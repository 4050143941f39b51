package dev.rpcws.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcws.protocol.Transcript;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/** A server under test as a golden transcript's target: connections are raw WebSocket peers, emits go through the admin API. */
public record TranscriptTarget(ServerUnderTest server) implements Transcript.Target {
    /** Every transcript in protocol/transcripts. */
    public static List<Transcript> transcripts() {
        return Transcript.all(Repo.path("protocol/transcripts"));
    }

    @Override public String name() {
        return server.name();
    }

    @Override public Transcript.Connection connect(String pathAndQuery) {
        URI uri = pathAndQuery.isEmpty() ? URI.create("ws://127.0.0.1:" + server.port()) : server.wsUri(pathAndQuery);
        RawClient client = RawClient.connect(uri);
        return new Transcript.Connection() {
            @Override public void send(String text) { client.send(text); }
            @Override public void sendBinary(String text) { client.sendBinary(text); }
            @Override public void close() { client.close(); }

            @Override public Transcript.Frame next(Duration timeout) {
                RawClient.Frame f = client.next(timeout);
                return f == null ? null : new Transcript.Frame(f.text(), f.binary());
            }
        };
    }

    @Override public void emit(String namespace, String event, List<JsonNode> args) {
        JsonNode[] array = args.toArray(new JsonNode[0]);
        if (namespace == null) server.admin().emit(event, array);
        else server.admin().emitIn(namespace, event, array);
    }
}
