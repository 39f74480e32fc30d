package dev.npufleet.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.JsonCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A small OpenAI-API client for the end-to-end tests. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {
    }

    static HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
        return CLIENT.send(request(url, body), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<Stream<String>> postStreaming(String url, String body) throws IOException,
            InterruptedException {
        return CLIENT.send(request(url, body), HttpResponse.BodyHandlers.ofLines());
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> delete(String url) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(String body) {
        return JsonCodec.decode(body.getBytes(StandardCharsets.UTF_8), JsonNode.class);
    }

    /** The {@code data:} payloads of an SSE body, in order, up to and including {@code [DONE]}. */
    static List<String> sseData(Stream<String> lines) {
        List<String> data = new ArrayList<>();
        lines.filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).forEach(data::add);
        return data;
    }

    /** The content deltas of a chat stream joined: the answer as the client saw it. */
    static String streamedContent(List<String> data) {
        StringBuilder sb = new StringBuilder();
        for (String d : data) {
            if (!d.equals("[DONE]")) {
                sb.append(json(d).path("choices").path(0).path("delta").path("content").asText(""));
            }
        }
        return sb.toString();
    }

    private static HttpRequest request(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    }
}
