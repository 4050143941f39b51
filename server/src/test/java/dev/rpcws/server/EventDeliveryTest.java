package dev.rpcws.server;

import dev.rpcws.protocol.Json;
import dev.rpcws.server.events.Emission;
import dev.rpcws.server.events.EventDelivery;
import dev.rpcws.server.events.Registrations;
import dev.rpcws.testkit.RawClient;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every emit goes through the server's one event delivery, whose emissions are values that travel as JSON. */
class EventDeliveryTest {
    @Test
    void everyEmitGoesThroughTheOneDeliveryAndItsLocalPartDeliversRemoteEmissions() throws Exception {
        List<Emission> seen = new CopyOnWriteArrayList<>();
        AtomicReference<EventDelivery> local = new AtomicReference<>();
        try (InProcessJetty jetty = InProcessJetty.start(o -> o, server -> server.eventDelivery(inProcess -> {
                local.set(inProcess);
                return emission -> {
                    seen.add(emission);
                    return inProcess.emit(emission);
                };
            }));
             RawClient root = RawClient.connect(jetty.wsUri("/"));
             RawClient chat = RawClient.connect(jetty.wsUri("/chat"))) {
            root.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"newMessage\"],\"id\":1}");
            chat.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.on\",\"params\":[\"newMessage\"],\"id\":1}");
            assertThat(root.nextText()).contains("\"ok\"");
            assertThat(chat.nextText()).contains("\"ok\"");
            RpcServer server = jetty.server();

            assertThat(server.emit("newMessage", Map.of("a", 1))).isEqualTo(2);
            assertThat(server.of("/chat").emit("newMessage", "hi")).isEqualTo(1);
            jetty.admin().emit("newMessage", Json.parse("7"));
            jetty.admin().emitIn("/chat", "newMessage", Json.parse("{\"b\":2}"));

            assertThat(seen).containsExactly(
                    Emission.toEveryNamespace("newMessage", Json.parse("{\"a\":1}")),
                    Emission.toNamespace("/chat", "newMessage", Json.parse("[\"hi\"]")),
                    Emission.toEveryNamespace("newMessage", Json.parse("[7]")),
                    Emission.toNamespace("/chat", "newMessage", Json.parse("[{\"b\":2}]")));
            assertThat(List.of(root.nextText(), root.nextText())).containsExactly(
                    "{\"notification\":\"newMessage\",\"params\":{\"a\":1}}", "{\"notification\":\"newMessage\",\"params\":[7]}");
            assertThat(List.of(chat.nextText(), chat.nextText(), chat.nextText(), chat.nextText())).containsExactly(
                    "{\"notification\":\"newMessage\",\"params\":{\"a\":1}}", "{\"notification\":\"newMessage\",\"params\":[\"hi\"]}",
                    "{\"notification\":\"newMessage\",\"params\":[7]}", "{\"notification\":\"newMessage\",\"params\":[{\"b\":2}]}");

            // An emission published by another node arrives as JSON and is delivered here, through the local part only.
            Emission remote = Emission.fromJson(Json.parse("{\"namespace\":\"/chat\",\"event\":\"newMessage\",\"params\":[\"from B\"]}"));
            assertThat(local.get().emit(remote)).isEqualTo(1);
            assertThat(chat.nextText()).isEqualTo("{\"notification\":\"newMessage\",\"params\":[\"from B\"]}");
            assertThat(seen).hasSize(4);
        }
    }

    @Test
    void anEmissionSurvivesItsJsonForm() throws Exception {
        Emission everywhere = Emission.toEveryNamespace("e", Json.parse("{\"x\":[1,\"é\\u2028\",null,{\"y\":true}]}"));
        Emission inChat = Emission.toNamespace("/chat", "e", Json.parse("[]"));
        for (Emission e : List.of(everywhere, inChat)) {
            assertThat(Emission.fromJson(Json.parse(Json.write(e.toJson())))).isEqualTo(e);
        }
        assertThat(Json.write(inChat.toJson())).isEqualTo("{\"namespace\":\"/chat\",\"event\":\"e\",\"params\":[]}");
        assertThat(everywhere.toJson().has("namespace")).isFalse();
        assertThatThrownBy(() -> Emission.fromJson(Json.parse("{\"event\":\"e\",\"params\":3}"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Emission.fromJson(Json.parse("{\"params\":[]}"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void registrationsDescribeWhatTheServerServesAndTheirDigestChangesWithIt() {
        try (InProcessJetty a = InProcessJetty.start(); InProcessJetty b = InProcessJetty.start()) {
            Registrations served = a.server().registrations();
            assertThat(served.namespaces()).containsOnlyKeys("/", "/chat", "/chatroom", "/test");
            assertThat(served.namespaces().get("/").methods()).containsEntry("cryptic", true).containsEntry("sum", false)
                    .containsKey("rpc.login");
            assertThat(served.namespaces().get("/").events()).containsEntry("secretNews", true).containsEntry("newsUpdate", false);
            assertThat(b.server().registrations().digest()).isEqualTo(served.digest());

            b.server().of("/chat").event("chatMessage2");
            assertThat(b.server().registrations().digest()).isNotEqualTo(served.digest());
            a.server().of("/chat").event("chatMessage2").protect();
            assertThat(a.server().registrations().digest()).isNotEqualTo(b.server().registrations().digest());
        }
    }
}
