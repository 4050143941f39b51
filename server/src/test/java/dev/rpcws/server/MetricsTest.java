package dev.rpcws.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rpcws.protocol.Json;
import dev.rpcws.testkit.LaunchedProcess;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.RawClient;
import dev.rpcws.testkit.Repo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /metrics} as Prometheus reads it: the text goes through the Prometheus project's own Python parser
 * ({@code prometheus_client.parser}, installed by scripts/setup.sh), and the families it returns are checked.
 */
@Timeout(60)
class MetricsTest {
    private static final Path PYTHON = Repo.path("clients-python/.venv/bin/python");

    @Test
    void theTextIsValidPrometheusWithTheServersJvmAndProcessFamilies() throws Exception {
        try (InProcessJetty jetty = InProcessJetty.start(); RawClient client = RawClient.connect(jetty.wsUri("/"))) {
            client.send("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2],\"id\":1}");
            assertThat(client.nextText()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":1}");
            List<Family> families = parse(jetty.admin().metrics());

            assertThat(type(families, "rpcws_connections")).isEqualTo("gauge");
            assertThat(type(families, "rpcws_calls")).isEqualTo("counter");
            assertThat(type(families, "rpcws_call_duration_seconds")).isEqualTo("histogram");
            assertThat(type(families, "rpcws_event_delivery_seconds")).isEqualTo("histogram");
            assertThat(type(families, "jvm_memory_used_bytes")).isEqualTo("gauge");
            assertThat(type(families, "jvm_threads_live_threads")).isEqualTo("gauge");
            assertThat(type(families, "process_uptime_seconds")).isEqualTo("gauge");
            assertThat(type(families, "process_files_open_files")).isEqualTo("gauge");
            assertThat(value(families, "rpcws_calls_total", Map.of())).isEqualTo(1);
            assertThat(value(families, "rpcws_connections", Map.of())).isEqualTo(1);
            families.stream().filter(f -> f.type.equals("histogram")).forEach(MetricsTest::assertCumulative);
        }
    }

    @Test
    void callDurationsAreByRegisteredMethodAndUnknownNamesCreateNoSeries() throws Exception {
        try (InProcessJetty jetty = InProcessJetty.start(); RawClient client = RawClient.connect(jetty.wsUri("/"))) {
            client.send("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2],\"id\":1}");
            client.nextText();
            client.send("{\"jsonrpc\":\"2.0\",\"method\":\"hang\",\"params\":[30],\"id\":2}"); // asynchronous: 30 ms
            client.nextText();
            for (int i = 0; i < 20; i++) {
                client.send("{\"jsonrpc\":\"2.0\",\"method\":\"unknown-" + i + "\",\"id\":" + (10 + i) + "}");
                assertThat(client.nextText()).contains("-32601");
            }
            List<Family> families = parse(jetty.admin().metrics());

            Set<String> timed = new TreeSet<>();
            for (Sample s : family(families, "rpcws_call_duration_seconds").samples) timed.add(s.labels.get("namespace") + s.labels.get("method"));
            Set<String> registered = new TreeSet<>();
            jetty.server().registrations().namespaces().forEach((ns, served) -> served.methods().keySet().forEach(m -> registered.add(ns + m)));
            registered.removeIf(m -> m.endsWith("__listMethods")); // built in, untimed
            assertThat(timed).isEqualTo(registered);

            Map<String, String> sum = Map.of("namespace", "/", "method", "sum");
            assertThat(value(families, "rpcws_call_duration_seconds_count", sum)).isEqualTo(1);
            Map<String, String> hang = Map.of("namespace", "/", "method", "hang");
            assertThat(value(families, "rpcws_call_duration_seconds_count", hang)).isEqualTo(1);
            assertThat(value(families, "rpcws_call_duration_seconds_sum", hang)).as("the asynchronous result's time").isGreaterThanOrEqualTo(0.030);
            assertThat(value(families, "rpcws_errors_total", Map.of("code", "-32601"))).isEqualTo(20);
        }
    }

    @Test
    void closeCodesAndEventDeliveryAreCounted() throws Exception {
        try (InProcessJetty jetty = InProcessJetty.start()) {
            RawClient subscriber = RawClient.connect(jetty.wsUri("/"));
            subscriber.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"newsUpdate\"],\"id\":1}");
            assertThat(subscriber.nextText()).contains("\"ok\"");
            jetty.admin().emit("newsUpdate", TextNode.valueOf("fox"));
            assertThat(subscriber.nextText()).contains("fox");
            subscriber.close(4321, "application code");
            RawClient.connect(jetty.wsUri("/")).close(1000, "done");
            RawClient.connect(jetty.wsUri("/")).close(1001, "going away");
            Poll.until("the server to see every close", Duration.ofSeconds(5), () -> jetty.server().metrics().openConnections() == 0);
            List<Family> families = parse(jetty.admin().metrics());

            assertThat(value(families, "rpcws_connections_closed_total", Map.of("code", "1000"))).isEqualTo(1);
            assertThat(value(families, "rpcws_connections_closed_total", Map.of("code", "1001"))).isEqualTo(1);
            assertThat(value(families, "rpcws_connections_closed_total", Map.of("code", "other"))).as("4321").isEqualTo(1);
            assertThat(value(families, "rpcws_event_delivery_seconds_count", Map.of())).isEqualTo(1);
            assertThat(value(families, "rpcws_events_delivered_total", Map.of())).isEqualTo(1);
        }
    }

    @Test
    void anApplicationsRegistryGetsTheMetersAndTheAdminApiSaysWhereTheyAre() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RpcServer server = new RpcServer(ServerOptions.builder().port(0).adminPort(0).build(), registry);
        server.register("ping", (params, ctx) -> "pong");
        try (RpcServer running = server.start(); RawClient client = RawClient.connect(URI.create("ws://127.0.0.1:" + running.port() + "/"))) {
            client.send("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}");
            client.nextText();
            assertThat(registry.get("rpcws.call.duration").tag("method", "ping").timer().count()).isEqualTo(1);
            assertThat(registry.find("jvm.memory.used").meters()).as("JVM metrics are the application's business").isEmpty();
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.adminPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(404);
            assertThat(metrics.body()).contains("application's registry");
        }
    }

    @Test
    void theParserRejectsTextPrometheusWouldNotRead() {
        assertThat(runParser("# TYPE x counter\nx_total{a=\"1\"} many\n").exitCode()).isNotZero();
        assertThat(runParser("x_total{a=\"1\" 1\n").exitCode()).isNotZero();
    }

    /** Histogram buckets count cumulatively up to {@code +Inf}, which equals the count. */
    private static void assertCumulative(Family histogram) {
        Map<Map<String, String>, List<Sample>> bySeries = new java.util.HashMap<>();
        for (Sample s : histogram.samples) {
            if (!s.name.endsWith("_bucket")) continue;
            Map<String, String> series = new java.util.HashMap<>(s.labels);
            series.remove("le");
            bySeries.computeIfAbsent(series, k -> new ArrayList<>()).add(s);
        }
        assertThat(bySeries).as(histogram.name + " has buckets").isNotEmpty();
        bySeries.forEach((series, buckets) -> {
            double previous = 0;
            for (Sample b : buckets) {
                assertThat(b.value).as(histogram.name + series + " le=" + b.labels.get("le")).isGreaterThanOrEqualTo(previous);
                previous = b.value;
            }
            assertThat(buckets.get(buckets.size() - 1).labels.get("le")).isEqualTo("+Inf");
            assertThat(previous).isEqualTo(value(List.of(histogram), histogram.name + "_count", series));
        });
    }

    private record Sample(String name, Map<String, String> labels, double value) {}

    private record Family(String name, String type, List<Sample> samples) {}

    /** Parses with prometheus_client; a line it rejects fails the test with the parser's message. */
    private static List<Family> parse(String text) throws Exception {
        LaunchedProcess.Finished parsed = runParser(text);
        assertThat(parsed.exitCode()).as("the Prometheus parser rejected the text:\n" + parsed.stderr()).isZero();
        List<Family> families = new ArrayList<>();
        for (JsonNode f : Json.parse(parsed.stdout())) {
            List<Sample> samples = new ArrayList<>();
            for (JsonNode s : f.get("samples")) {
                Map<String, String> labels = new java.util.HashMap<>();
                s.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                samples.add(new Sample(s.get("name").asText(), labels, s.get("value").asDouble()));
            }
            families.add(new Family(f.get("name").asText(), f.get("type").asText(), samples));
        }
        return families;
    }

    private static LaunchedProcess.Finished runParser(String text) {
        assertThat(Files.isExecutable(PYTHON)).as(PYTHON + " (bash scripts/setup.sh installs it with prometheus-client)").isTrue();
        return LaunchedProcess.run("prometheus-parser",
                List.of(PYTHON.toString(), Repo.path("server/src/test/resources/prometheus_families.py").toString()),
                Repo.root(), text, Duration.ofSeconds(30));
    }

    private static Family family(List<Family> families, String name) {
        return families.stream().filter(f -> f.name.equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no family " + name));
    }

    private static String type(List<Family> families, String name) {
        return family(families, name).type;
    }

    private static double value(List<Family> families, String sample, Map<String, String> labels) {
        return families.stream().flatMap(f -> f.samples.stream())
                .filter(s -> s.name.equals(sample) && s.labels.equals(labels)).findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + sample + labels)).value;
    }
}
