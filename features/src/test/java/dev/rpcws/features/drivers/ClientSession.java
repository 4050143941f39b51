package dev.rpcws.features.drivers;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;

/**
 * One connected client. Outcomes use the agent control API's envelope ({@code {"result":...}} or
 * {@code {"error":{"kind":...}}}, docs/agent-control-api.md) for every language, so assertions are written once.
 */
public interface ClientSession extends AutoCloseable {
    /** {@code params} null means "no params"; {@code timeout} null means the client's default. */
    JsonNode call(String method, JsonNode params, Duration timeout);

    JsonNode notify(String method, JsonNode params);

    JsonNode subscribe(String event);

    JsonNode unsubscribe(String event);

    JsonNode login(JsonNode params);

    /** Events received so far (all names when {@code event} is null), waiting up to {@code wait} for {@code atLeast}. */
    List<Event> events(String event, int atLeast, Duration wait);

    /** Lifecycle entries so far, waiting up to {@code wait} for {@code atLeast} entries of {@code type}. */
    List<JsonNode> lifecycle(String type, int atLeast, Duration wait);

    /** {@code connecting}, {@code connected}, {@code reconnecting} or {@code closed}. */
    String state();

    /**
     * How many frames of each kind the client's sockets received: what a browser needs (it drops binary frames).
     * Only drivers that can see the frames offer it.
     */
    default Frames framesReceived() {
        throw new UnsupportedOperationException("this driver does not see the client's frames");
    }

    /** Stops reading the socket (pings go unanswered). */
    void pause();

    void resume();

    @Override void close();

    /** An event as the library delivered it to a listener. */
    record Event(String name, List<JsonNode> args) {}

    /** Frames received, by kind. */
    record Frames(int text, int binary) {}
}
