package dev.npufleet.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.gateway.api.HopReport;
import dev.npufleet.protocol.JsonCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Sends chat-completion requests to an OpenAI-compatible endpoint without a thread per request
 * (so one load generator can hold thousands of open streams) and times them. Any thread.
 */
public final class OpenAiClient implements BenchClient {
    private final HttpClient http;
    private final URI chatUri;
    private final Duration timeout;

    public OpenAiClient(String baseUrl, Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1)
                .build();
        this.chatUri = URI.create(baseUrl + "/v1/chat/completions");
        this.timeout = timeout;
    }

    public HttpClient http() {
        return http;
    }

    @Override
    public CompletableFuture<RequestResult> send(String body, boolean stream) {
        long start = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(chatUri).timeout(timeout)
                .header("Content-Type", "application/json").header(HopReport.REQUEST_HEADER, "1")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        CompletableFuture<RequestResult> result;
        if (stream) {
            SseTimer timer = new SseTimer(start);
            result = http.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(timer))
                    .thenApply(r -> r.statusCode() == 200 ? timer.result(r) : failed(r.statusCode(), start));
        } else {
            result = http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .thenApply(r -> r.statusCode() == 200 ? whole(r, start) : failed(r.statusCode(), start));
        }
        return result.exceptionally(e -> RequestResult.failed(kind(e), millisSince(start)));
    }

    private static RequestResult whole(HttpResponse<String> response, long start) {
        double ms = millisSince(start);
        JsonNode json = JsonCodec.decode(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                JsonNode.class);
        return withUsage(json.path("usage"), ms, ms, response, Map.of());
    }

    /** @param streamHops the hops of a stream's timing chunk; empty: those of the {@code Server-Timing} header */
    static RequestResult withUsage(JsonNode usage, double ttft, double e2e, HttpResponse<?> response,
            Map<String, Double> streamHops) {
        Map<String, Double> hops = !streamHops.isEmpty() ? streamHops : response.headers().firstValue("server-timing")
                .map(h -> HopTimes.of(HopReport.parseServerTiming(h))).orElse(Map.of());
        return new RequestResult(null, ttft, e2e, usage.path("prompt_tokens").asInt(),
                usage.path("completion_tokens").asInt(),
                usage.path("prompt_tokens_details").path("cached_tokens").asInt(), usage.path("cache_hit").asBoolean(),
                response.headers().firstValue("x-npufleet-worker").orElse(null),
                response.headers().firstValue("x-npufleet-route").orElse(null), hops);
    }

    private static RequestResult failed(int status, long start) {
        return RequestResult.failed("http_" + status, millisSince(start));
    }

    private static String kind(Throwable e) {
        Throwable t = e.getCause() != null ? e.getCause() : e;
        if (t instanceof HttpTimeoutException) {
            return "timeout";
        }
        if (t instanceof IOException) {
            return "io";
        }
        return t.getClass().getSimpleName();
    }

    static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    /** Reads an SSE body line by line, noting when the first content arrives and the usage at the end. */
    private static final class SseTimer implements Flow.Subscriber<String> {
        private final long start;
        private volatile double ttft = Double.NaN;
        private volatile double end = Double.NaN;
        private volatile JsonNode usage = JsonCodec.mapper().createObjectNode();
        private volatile String error;
        private volatile Map<String, Double> hops = Map.of();

        SseTimer(long start) {
            this.start = start;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (!line.startsWith("data: ")) {
                return;
            }
            String data = line.substring(6);
            if (data.equals("[DONE]")) {
                end = millisSince(start);
                return;
            }
            JsonNode json = JsonCodec.decode(data.getBytes(java.nio.charset.StandardCharsets.UTF_8), JsonNode.class);
            if (json.has("error")) {
                error = "stream_" + json.path("error").path("code").asText("error");
            }
            if (Double.isNaN(ttft) && !json.path("choices").path(0).path("delta").path("content").asText("").isEmpty()) {
                ttft = millisSince(start);
            }
            if (json.hasNonNull("usage")) {
                usage = json.get("usage");
            }
            if (json.has(HopReport.FIELD)) {
                hops = HopTimes.of(json.get(HopReport.FIELD));
            }
        }

        @Override
        public void onError(Throwable throwable) {
            error = "stream_broken";
        }

        @Override
        public void onComplete() {
            if (Double.isNaN(end)) {
                end = millisSince(start);
            }
        }

        RequestResult result(HttpResponse<?> response) {
            if (error != null) {
                return RequestResult.failed(error, end);
            }
            return withUsage(usage, ttft, end, response, hops);
        }
    }
}
