package dev.rpcws.server.cluster;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Lettuce is an optional dependency of the server library: without a broker, a server runs on a class path
 * that lacks Lettuce and its Netty and Reactor.
 */
class LettuceOptionalTest {
    private static final List<String> BROKER_JARS = List.of("/io/lettuce/", "/io/netty/", "/io/projectreactor/", "/redis/clients/", "/org/reactivestreams/");

    @Test
    void aServerWithoutABrokerRunsWithoutLettuceOnTheClassPath() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> kept = new ArrayList<>();
        int dropped = 0;
        for (String entry : classPath.split(File.pathSeparator)) {
            if (BROKER_JARS.stream().anyMatch(entry.replace(File.separatorChar, '/')::contains)) dropped++;
            else kept.add(new File(entry).toURI().toURL());
        }
        assertThat(dropped).as("Lettuce and its dependencies on the test class path").isGreaterThanOrEqualTo(3);
        try (URLClassLoader withoutLettuce = new URLClassLoader(kept.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> withoutLettuce.loadClass("io.lettuce.core.RedisClient")).isInstanceOf(ClassNotFoundException.class);
            Class<?> optionsType = withoutLettuce.loadClass("dev.rpcws.server.ServerOptions");
            Object builder = optionsType.getMethod("builder").invoke(null);
            builder.getClass().getMethod("port", int.class).invoke(builder, 0);
            builder.getClass().getMethod("adminPort", int.class).invoke(builder, 0);
            Object options = builder.getClass().getMethod("build").invoke(builder);
            Class<?> serverType = withoutLettuce.loadClass("dev.rpcws.server.RpcServer");
            Object server = serverType.getConstructor(optionsType).newInstance(options);
            withoutLettuce.loadClass("dev.rpcws.server.fixture.CompatFixture").getMethod("install", serverType).invoke(null, server);
            serverType.getMethod("start").invoke(server);
            try {
                assertThat(serverType.getMethod("emit", String.class, Object[].class).invoke(server, "newsUpdate", new Object[] {"x"})).isEqualTo(0);
                int adminPort = (int) serverType.getMethod("adminPort").invoke(server);
                HttpResponse<String> health = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/health")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body()).doesNotContain("broker");
            } finally {
                serverType.getMethod("close").invoke(server);
            }
        }
    }
}
