package dev.rpcws.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcws.protocol.Json;
import dev.rpcws.server.security.AdminAuth;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.Promise;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin HTTP API (docs/compat-fixture.md): health, Prometheus metrics, emits and connection lists, so
 * tests and operators trigger events the same way on the Jetty server and on the Node reference server. It
 * sees the server through an {@link AdminView} only.
 */
public final class AdminApi extends Handler.Abstract.NonBlocking {
    /** The members the Node reference server's /health has too (docs/compat-fixture.md); copied, never changed. */
    private static final ObjectNode HEALTHY = health("{\"status\":\"ok\",\"server\":\"jetty\"}");
    private static final ObjectNode UNAVAILABLE = health("{\"status\":\"unavailable\",\"server\":\"jetty\"}");
    private final AdminView server;
    private final AdminAuth auth;

    public AdminApi(AdminView server, AdminAuth auth) {
        this.server = server;
        this.auth = auth;
    }

    @Override public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        Fields query = Request.extractQueryParameters(request);
        String namespace = query.getValue("namespace");
        if (!path.equals("/health") && !auth.allows(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            json(response, callback, 401, "{\"error\":\"admin token required\"}");
            return true;
        }
        switch (path) {
            case "/health" -> {
                boolean healthy = server.healthy();
                ObjectNode body = (healthy ? HEALTHY : UNAVAILABLE).deepCopy();
                body.setAll(server.health());
                json(response, callback, healthy ? 200 : 503, Json.write(body));
            }
            case "/metrics" -> {
                String text = server.metrics();
                if (text == null) {
                    json(response, callback, 404, "{\"error\":\"the server's meters are in the application's registry\"}");
                    return true;
                }
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                write(response, callback, 200, text);
            }
            case "/admin/connections" -> {
                ArrayNode out = Json.array();
                server.connections(namespace).forEach(out::add);
                json(response, callback, 200, Json.write(out));
            }
            case "/admin/emit" -> {
                if (!HttpMethod.POST.is(method)) {
                    json(response, callback, 405, "{\"error\":\"use POST\"}");
                    return true;
                }
                Content.Source.asString(request, StandardCharsets.UTF_8,
                        Promise.from(body -> emit(body, namespace, response, callback), callback::failed));
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static ObjectNode health(String json) {
        try {
            return (ObjectNode) Json.parse(json);
        } catch (Json.JsonSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private void emit(String body, String namespace, Response response, Callback callback) {
        JsonNode request;
        try {
            request = Json.parse(body);
        } catch (Json.JsonSyntaxException e) {
            badRequest(response, callback, "body is not JSON: " + e.getMessage());
            return;
        }
        JsonNode event = request.get("event");
        JsonNode args = request.get("args");
        if (event == null || !event.isTextual()) {
            badRequest(response, callback, "\"event\" must be a string");
            return;
        }
        if (args != null && !args.isArray()) {
            badRequest(response, callback, "\"args\" must be an array");
            return;
        }
        List<JsonNode> list = new ArrayList<>();
        if (args != null) args.forEach(list::add);
        if (namespace == null) server.emit(event.textValue(), list);
        else server.emit(namespace, event.textValue(), list);
        json(response, callback, 200, "{\"ok\":true}");
    }

    private static void badRequest(Response response, Callback callback, String why) {
        json(response, callback, 400, Json.write(Json.object().put("error", why)));
    }

    private static void json(Response response, Callback callback, int status, String body) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        write(response, callback, status, body);
    }

    private static void write(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
