package dev.npufleet.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.JsonCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code tenancy} scenario's steps that are not plain load: a batch submitted through the files and batches
 * API (to run beside interactive load), and a burst of interactive requests at a busy model, counted by status
 * with the {@code Retry-After} each 429 advised. Test thread only.
 */
final class FairnessBench {
    private static final String BOUNDARY = "npufleet-bench";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String url;
    private final String model;

    FairnessBench(String url, String model) {
        this.url = url;
        this.model = model;
    }

    /** Uploads {@code lines} chat lines and creates their batch; returns the batch id. */
    String submitBatch(int lines, int maxTokens) throws IOException, InterruptedException {
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            file.append("{\"custom_id\":\"l-").append(i).append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",")
                    .append("\"body\":{\"model\":\"").append(model).append("\",\"max_tokens\":").append(maxTokens)
                    .append(",\"messages\":[{\"role\":\"user\",\"content\":\"Summarise line ").append(i)
                    .append(" of the nightly report.\"}]}}\n");
        }
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--"
                + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.jsonl\"\r\n\r\n"
                + file + "\r\n--" + BOUNDARY + "--\r\n";
        JsonNode uploaded = send(HttpRequest.newBuilder(URI.create(url + "/v1/files"))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        JsonNode batch = send(HttpRequest.newBuilder(URI.create(url + "/v1/batches"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input_file_id\":\"" + uploaded.path("id").asText()
                        + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}")));
        return batch.path("id").asText();
    }

    /** Waits (up to a minute) until a board reports a queue, as the batch's lines reach it. */
    void awaitQueued() throws IOException, InterruptedException {
        long until = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < until) {
            JsonNode fleet = send(HttpRequest.newBuilder(URI.create(url + "/v1/fleet")).GET());
            for (JsonNode m : fleet.path("models")) {
                for (JsonNode b : m.path("boards")) {
                    // a batch waits in the background lane (background_depth); older boards count it in queue_depth
                    if (b.path("queue_depth").asLong() + b.path("background_depth").asLong() > 1) {
                        return;
                    }
                }
            }
            Thread.sleep(200); // a poll interval, not a stand-in for a condition
        }
        throw new IOException("no board reported a queue within a minute");
    }

    /** The batch's request counts, as {@code GET /v1/batches/{id}} shows them. */
    String progress(String batchId) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url + "/v1/batches/" + batchId)).GET())
                .path("request_counts").toString();
    }

    /** Cancels the batch's lines not ended; a batch already ended (409) is left as it is. */
    void cancel(String batchId) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/batches/" + batchId + "/cancel"))
                .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300 && r.statusCode() != 409) {
            throw new IOException(r.statusCode() + " " + r.body());
        }
    }

    /** {@code count} chat requests at once; the count per status and the Retry-After values of the 429s. */
    String burst(int count, int maxTokens) {
        String chat = "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Are you busy?\"}]}";
        List<CompletableFuture<HttpResponse<Void>>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(http.sendAsync(HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions"))
                    .timeout(Duration.ofMinutes(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(chat)).build(), HttpResponse.BodyHandlers.discarding()));
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        Map<String, Integer> advised = new TreeMap<>();
        for (CompletableFuture<HttpResponse<Void>> f : sent) {
            HttpResponse<Void> r = f.join();
            statuses.merge(r.statusCode(), 1, Integer::sum);
            r.headers().firstValue("retry-after").ifPresent(s -> advised.merge(s + " s", 1, Integer::sum));
        }
        return String.format(Locale.ROOT, "%d interactive requests at once: statuses %s; Retry-After advised %s",
                count, statuses, advised);
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.timeout(Duration.ofMinutes(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IOException(r.statusCode() + " " + r.body());
        }
        return JsonCodec.mapper().readTree(r.body());
    }
}
