package dev.rpcws.server.cli;

import dev.rpcws.protocol.Json;
import dev.rpcws.testkit.LaunchedProcess;
import dev.rpcws.testkit.Poll;
import dev.rpcws.testkit.RawClient;
import dev.rpcws.testkit.Repo;
import dev.rpcws.testkit.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The runnable jar as users start it ({@code java -jar server/target/rpcws-server.jar}, built by the package phase
 * before this integration test): options it cannot use end it with exactly one line on stderr and exit status 2,
 * never a stack trace; a start logs one timestamped line with the settings in effect.
 */
@Timeout(60)
class CliIT {
    private static final Path JAR = Repo.path("server/target/rpcws-server.jar");
    private static final Pattern LISTENING = Pattern.compile("listening ws=(\\d+) admin=(-?\\d+)");
    private static TestCertificates certs;

    @BeforeAll static void keyStore() {
        certs = TestCertificates.create();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            --port -5                               | port must be from 0 to 65535, not -5
            --port 70000                            | port must be from 0 to 65535, not 70000
            --port abc                              | Invalid value for option '--port': 'abc' is not an int
            --admin-port 65536                      | admin port must be from -1 to 65535, not 65536
            --tls-port 99999 --tls-keystore x.p12 --tls-keystore-password p | TLS port must be from 0 to 65535, not 99999
            --ping-interval -1                      | ping interval must not be negative, not -1 ms
            --pong-timeout -1                       | pong timeout must not be negative, not -1 ms
            --idle-timeout -1                       | idle timeout must not be negative, not -1 ms
            --ping-interval 1000 --pong-timeout 0   | pong timeout must be positive while pings are on
            --max-message-size 0                    | max message size must be at least 1, not 0
            --max-batch 0                           | max batch must be at least 1, not 0
            --max-in-flight -1                      | max in flight must be at least 1, not -1
            --max-connections -1                    | max connections must be at least 0, not -1
            --max-failed-logins -1                  | max failed logins must be at least 0, not -1
            --max-queued-bytes 1x                   | Invalid value for option '--max-queued-bytes': '1x' is not a long
            --fixture test                          | Invalid value for option '--fixture': expected one of [none, compat] (case-sensitive) but was 'test'
            --prot 8080                             | Unknown options: '--prot', '8080'
            --port                                  | Missing required parameter for option '--port'
            --admin-host 0.0.0.0                    | refusing to bind the admin API to 0.0.0.0 without --admin-token
            --tls-port 0                            | --tls-port needs --tls-keystore and a password
            --tls-keystore server.p12               | --tls-keystore needs --tls-port, the port to serve wss:// on
            """)
    void badInputIsOneLineAndStatusTwo(String options, String message) {
        assertRefused(List.of(options.trim().split("\\s+")), message);
    }

    @Test
    void aPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertRefused(List.of("--port", Integer.toString(taken.getLocalPort())),
                    "cannot start: Failed to bind to /127.0.0.1:" + taken.getLocalPort() + ": Address already in use");
        }
    }

    @Test
    void aMissingKeyStore() {
        assertRefused(List.of("--tls-port", "0", "--tls-keystore", "/nonexistent/server.p12", "--tls-keystore-password", "x"),
                "cannot start: cannot read the TLS key store /nonexistent/server.p12 (PKCS12): no such file");
    }

    @Test
    void aFileThatIsNoKeyStore() throws Exception {
        Path garbage = Files.writeString(Files.createTempFile("not-a-keystore", ".p12"), "not a key store");
        assertRefused(List.of("--tls-port", "0", "--tls-keystore", garbage.toString(), "--tls-keystore-password", "x"),
                "cannot start: cannot read the TLS key store " + garbage + " (PKCS12): not a PKCS12 key store");
    }

    @Test
    void aWrongKeyStorePassword() {
        assertRefused(List.of("--tls-port", "0", "--tls-keystore", certs.serverKeyStore().toString(), "--tls-keystore-password", "wrong"),
                "cannot start: cannot read the TLS key store " + certs.serverKeyStore() + " (PKCS12): keystore password was incorrect");
    }

    @Test
    void withoutAFixtureTheServerServesNoMethodsAndItsStartupLineSaysHowToLoadOne() throws Exception {
        try (LaunchedProcess server = start("cli-no-fixture")) {
            String startup = startupLine(server);
            assertThat(startup).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) .*");
            assertThat(startup).contains("rpcws-server 0.1.0-SNAPSHOT listening: ws://127.0.0.1:" + server.ready(1),
                    "fixture none (no methods: --fixture compat loads the test fixture)",
                    "heartbeat ping every 30000 ms, pong timeout 10000 ms",
                    "limits: message 16777216 B, batch 1000, queued 16777216 B, in flight 1024, connections unlimited, idle timeout none, permessage-deflate off",
                    "security: origins any, tokens not required, failed logins before close 5, admin token none");
            try (RawClient client = RawClient.connect(URI.create("ws://127.0.0.1:" + server.ready(1) + "/"))) {
                client.send("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2],\"id\":1}");
                assertThat(client.nextText()).contains("-32601");
                client.send("{\"jsonrpc\":\"2.0\",\"method\":\"__listMethods\",\"id\":2}");
                assertThat(client.nextText()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":[\"__listMethods\"],\"id\":2}");
            }
        }
    }

    @Test
    void theStartupLineShowsTheSettingsInEffectAndNoSecret() throws Exception {
        try (LaunchedProcess server = start("cli-settings", "--fixture", "compat", "--ping-interval", "0", "--max-connections", "7",
                "--allowed-origin", "https://app.example", "--token", "s3cret=alice", "--admin-token", "adm1n",
                "--tls-port", "0", "--tls-keystore", certs.serverKeyStore().toString(), "--tls-keystore-password", certs.password())) {
            String startup = startupLine(server);
            assertThat(startup).contains(" wss://127.0.0.1:", "fixture compat", "heartbeat off", "connections 7",
                    "origins https://app.example (none sent: allowed)", "tokens 1", "admin token set", "TLS key store " + certs.serverKeyStore());
            assertThat(startup).doesNotContain("s3cret", "adm1n", certs.password());
        }
    }

    @Test
    void aRefusedUpgradeAndAnEvictionAreLoggedWithWhyAndTheSocketId() throws Exception {
        try (LaunchedProcess server = start("cli-peer-logs", "--fixture", "compat", "--allowed-origin", "https://app.example",
                "--max-failed-logins", "1")) {
            URI root = URI.create("ws://127.0.0.1:" + server.ready(1) + "/");
            assertThatThrownBy(() -> RawClient.connect(root, List.of(), Map.of("Origin", "https://evil.example")))
                    .hasMessageContaining("403");
            String refused = logLine(server, "refused an upgrade");
            assertThat(refused).matches(".* INFO .*refused an upgrade from /127\\.0\\.0\\.1:\\d+ to /: Origin not allowed \\(Origin https://evil\\.example\\)");

            try (RawClient client = RawClient.connect(root)) {
                client.send("{\"jsonrpc\":\"2.0\",\"method\":\"whoami\",\"id\":1}");
                String socketId = Json.parse(client.nextText()).get("result").asText();
                client.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.login\",\"params\":{\"username\":\"foo\",\"password\":\"guess\"},\"id\":2}");
                assertThat(logLine(server, "evicting")).matches(".* INFO .*evicting " + Pattern.quote(socketId) + " on /: Too many failed logins");
            }
        }
    }

    /** The first line holding {@code text} that this run of the server logged, once it is there. */
    private static String logLine(LaunchedProcess server, String text) {
        return Poll.value("a log line with '" + text + "' in " + server.log(), Duration.ofSeconds(10), () -> {
            try {
                List<String> lines = Files.readAllLines(server.log());
                int thisRun = lines.size();
                while (thisRun > 0 && !lines.get(thisRun - 1).startsWith("$ ")) thisRun--; // the log appends runs, each after its command line
                return lines.subList(thisRun, lines.size()).stream().filter(l -> l.contains(text)).findFirst().orElse(null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static LaunchedProcess start(String name, String... options) {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString(), "--port", "0", "--admin-port", "0"));
        command.addAll(List.of(options));
        return LaunchedProcess.start(name, command, Repo.root(), LISTENING, Duration.ofSeconds(30));
    }

    /** The log line written before the listening line (stderr goes to the process log). */
    private static String startupLine(LaunchedProcess server) throws Exception {
        return Files.readAllLines(server.log()).stream().filter(l -> l.contains("rpcws-server ") && l.contains(" listening: "))
                .reduce((first, last) -> last).orElseThrow(() -> new AssertionError("no start-up line in " + server.log()));
    }

    private static void assertRefused(List<String> options, String message) {
        assertThat(Files.isRegularFile(JAR)).as(JAR + " (built by the package phase)").isTrue();
        List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        command.addAll(options);
        LaunchedProcess.Finished run = LaunchedProcess.run("cli-refused", command, Repo.root(), "", Duration.ofSeconds(30));
        assertThat(run.exitCode()).as("exit status of " + options + "; stderr: " + run.stderr()).isEqualTo(2);
        assertThat(run.stderr().lines().toList()).as("stderr of " + options).hasSize(1);
        assertThat(run.stderr()).startsWith("rpcws-server: ").contains(message).doesNotContain("Exception", "\tat ");
        assertThat(run.stdout()).isEmpty();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
