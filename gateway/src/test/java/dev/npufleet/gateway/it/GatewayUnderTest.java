package dev.npufleet.gateway.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.gateway.Gateway;
import dev.npufleet.gateway.GatewayConfig;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A real {@link Gateway} on a free port, on its own topic prefix, and an HTTP client for it. */
final class GatewayUnderTest implements AutoCloseable {
    static final String MODEL = "it-model";

    final Gateway gateway;
    final GatewayConfig config;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayUnderTest(GatewayConfig config) {
        this.config = config;
        this.gateway = Gateway.start(config);
    }

    static GatewayUnderTest start(String bootstrap, String prefix, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "NPUFLEET_BOOTSTRAP_SERVERS", bootstrap,
                "NPUFLEET_HTTP_HOST", "127.0.0.1",
                "NPUFLEET_HTTP_PORT", "0",
                "NPUFLEET_MODELS", MODEL,
                "NPUFLEET_TOPIC_PREFIX", prefix,
                "NPUFLEET_JOB_PARTITIONS", "2",
                "NPUFLEET_REQUEST_TIMEOUT_MS", "30000"));
        env.putAll(extra);
        return new GatewayUnderTest(GatewayConfig.fromEnv(env));
    }

    /** Waits until the gateway reads its topics (so jobs it accepts are answered). */
    GatewayUnderTest awaitReady() {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            HttpResponse<String> ready = get("/ready");
            JsonNode health = JsonCodec.mapper().readTree(ready.body());
            return ready.statusCode() == 200 && health.path("topics").asText().equals("ready")
                    && health.path("caches").asText().equals("ready");
        });
        return this;
    }

    Topics topics() {
        return config.kafka().topics();
    }

    int port() {
        return gateway.port();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        return client.send(request(method, path, body), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    CompletableFuture<HttpResponse<String>> postAsync(String path, String body) {
        return client.sendAsync(request("POST", path, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String method, String path, String body) {
        return builder(method, path, body).build();
    }

    /** A request with {@code Authorization: Bearer <key>}. */
    HttpResponse<String> send(String method, String path, String body, String key)
            throws IOException, InterruptedException {
        return client.send(builder(method, path, body).header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpClient client() {
        return client;
    }

    private HttpRequest.Builder builder(String method, String path, String body) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
    }

    @Override
    public void close() {
        gateway.close();
    }
}
