package dev.rpcws.features.drivers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Page;
import com.sun.net.httpserver.HttpServer;
import dev.rpcws.protocol.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The npm package's browser bundle ({@code RPCWebSocket.Client}, as every web page loads it) in a real headless
 * Chromium, driven through Playwright. One Chromium and one page serve the whole run: the page
 * (clients-js/browser) hosts any number of Clients, as the Node agent does, and every operation is a
 * {@code page.evaluate} of the page's harness, in the browser {@link Chromium} starts.
 */
public final class BrowserDriver implements ClientDriver, AutoCloseable {
    private static final Duration PAGE_READY = Duration.ofSeconds(30);

    private final HttpServer site;
    private final Chromium chromium;
    private final Page page;
    private final String runtime;

    private BrowserDriver(HttpServer site, Chromium chromium, Page page) {
        this.site = site;
        this.chromium = chromium;
        this.page = page;
        this.runtime = chromium.runtime();
    }

    /** Serves the page from {@code clientsJs} on 127.0.0.1, starts Chromium and opens the page. */
    public static BrowserDriver start(Path clientsJs) {
        Path bundle = clientsJs.resolve("node_modules/rpc-websockets/dist/index.browser-bundle.js");
        if (!Files.isRegularFile(bundle)) throw new IllegalStateException(bundle + " is missing: run bash scripts/setup.sh");
        HttpServer site = serve(Map.of(
                "/", clientsJs.resolve("browser/index.html"),
                "/browser/harness.mjs", clientsJs.resolve("browser/harness.mjs"),
                "/hosted-client.mjs", clientsJs.resolve("hosted-client.mjs"),
                "/rpc-websockets/index.browser-bundle.js", bundle));
        Chromium chromium = null;
        try {
            chromium = Chromium.start();
            long start = System.nanoTime();
            Page page = chromium.page();
            page.onConsoleMessage(m -> System.err.println("[browser] " + m.type() + ": " + m.text()));
            page.onPageError(e -> System.err.println("[browser] page error: " + e));
            page.navigate("http://127.0.0.1:" + site.getAddress().getPort() + "/");
            page.waitForFunction("() => window.harness !== undefined", null,
                    new Page.WaitForFunctionOptions().setTimeout(PAGE_READY.toMillis()));
            System.err.printf("[browser] page ready in %d ms%n", (System.nanoTime() - start) / 1_000_000);
            return new BrowserDriver(site, chromium, page);
        } catch (RuntimeException e) {
            site.stop(0);
            if (chromium != null) chromium.close();
            throw new IllegalStateException("the browser page did not start: " + e.getMessage(), e);
        }
    }

    /** A tiny static site on 127.0.0.1: exactly these paths, nothing else. */
    private static HttpServer serve(Map<String, Path> files) {
        try {
            HttpServer site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            site.createContext("/", exchange -> {
                try (exchange) {
                    Path file = files.get(exchange.getRequestURI().getPath());
                    if (file == null) {
                        exchange.sendResponseHeaders(404, -1);
                        return;
                    }
                    byte[] body = Files.readAllBytes(file);
                    exchange.getResponseHeaders().set("Content-Type", contentType(file));
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            });
            site.start();
            return site;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String contentType(Path file) {
        return file.toString().endsWith(".html") ? "text/html; charset=utf-8" : "text/javascript; charset=utf-8";
    }

    @Override public String language() { return "browser"; }
    @Override public String runtime() { return runtime; }

    @Override public ClientSession connect(URI url, ObjectNode options) {
        JsonNode reply = invoke("connect", url.toString(), Json.write(options));
        if (reply.has("error")) throw new IllegalStateException("browser client could not connect to " + url + ": " + reply.get("error"));
        return new Session(reply.get("result").get("client").asText());
    }

    /**
     * Runs {@code window.harness[function](...args)} in the page and parses its JSON answer. Playwright objects
     * belong to one thread at a time, hence synchronized.
     */
    private synchronized JsonNode invoke(String function, Object... args) {
        Object answer = page.evaluate("([f, args]) => window.harness[f](...args)", List.of(function, Arrays.asList(args)));
        try {
            return Json.parse((String) answer);
        } catch (Json.JsonSyntaxException e) {
            throw new IllegalStateException("the page's " + function + " answered " + answer, e);
        }
    }

    /** Closes the browser, its profile and the page's site. */
    @Override public synchronized void close() {
        try {
            chromium.close();
        } finally {
            site.stop(0);
        }
    }

    private static String json(JsonNode value) {
        return value == null ? null : Json.write(value);
    }

    private final class Session implements ClientSession {
        private final String id;

        Session(String id) {
            this.id = id;
        }

        @Override public JsonNode call(String method, JsonNode params, Duration timeout) {
            return invoke("call", id, method, json(params), timeout == null ? null : (int) timeout.toMillis());
        }

        @Override public JsonNode notify(String method, JsonNode params) {
            return invoke("notify", id, method, json(params));
        }

        @Override public JsonNode subscribe(String event) {
            return invoke("subscribe", id, event);
        }

        @Override public JsonNode unsubscribe(String event) {
            return invoke("unsubscribe", id, event);
        }

        @Override public JsonNode login(JsonNode params) {
            return invoke("login", id, json(params));
        }

        @Override public List<Event> events(String event, int atLeast, Duration wait) {
            List<Event> out = new ArrayList<>();
            for (JsonNode e : invoke("events", id, event, atLeast, (int) wait.toMillis()).get("result")) {
                List<JsonNode> args = new ArrayList<>();
                e.get("args").forEach(args::add);
                out.add(new Event(e.get("event").asText(), args));
            }
            return out;
        }

        @Override public List<JsonNode> lifecycle(String type, int atLeast, Duration wait) {
            List<JsonNode> out = new ArrayList<>();
            invoke("lifecycle", id, type, atLeast, (int) wait.toMillis()).get("result").get("log").forEach(out::add);
            return out;
        }

        @Override public String state() {
            return invoke("lifecycle", id, null, 0, 0).get("result").get("state").asText();
        }

        @Override public Frames framesReceived() {
            JsonNode frames = invoke("frames", id).get("result");
            return new Frames(frames.get("text").asInt(), frames.get("binary").asInt());
        }

        @Override public void pause() {
            throw new UnsupportedOperationException("a web page cannot stop reading its WebSocket");
        }

        @Override public void resume() {
            throw new UnsupportedOperationException("a web page cannot stop reading its WebSocket");
        }

        @Override public void close() {
            invoke("discard", id);
        }
    }
}
