package dev.npufleet.launcher.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.protocol.JsonCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Creates a prompt mix's named caches through the gateway's cache API before a run. */
final class CacheSetup {
    private CacheSetup() {
    }

    static void create(HttpClient http, String baseUrl, String model, PromptMix mix) throws IOException,
            InterruptedException {
        for (int i = 0; i < mix.cacheCount(); i++) {
            ObjectNode body = JsonCodec.mapper().createObjectNode();
            body.put("cache_name", PromptMix.cacheName(i));
            body.putArray("messages").addObject().put("role", "system").put("content", mix.systemPrompt(i));
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/cache/" + model))
                    .timeout(Duration.ofMinutes(2)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("creating cache " + PromptMix.cacheName(i) + " failed: "
                        + response.statusCode() + " " + response.body());
            }
        }
    }
}
