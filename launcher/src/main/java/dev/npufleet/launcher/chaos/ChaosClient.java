package dev.npufleet.launcher.chaos;

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
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The chaos suite's client: a greedy chat request, streamed (every content delta timed) or as an asynchronous job
 * (submitted, then polled until it ends). Thread-safe; one call per thread at a time.
 */
final class ChaosClient {

    /**
     * How one request ended, as its client saw it.
     *
     * @param deltaNanos when each content delta of a stream arrived
     * @param polls what each poll of an asynchronous job saw, in order (none for a stream)
     * @param jobId the fleet's id of the job (a stream's from its chunks' {@code chatcmpl-} id); null when unknown
     */
    record Outcome(String text, boolean finished, String errorCode, List<Long> deltaNanos, List<Poll> polls,
            String jobId) {
        Outcome(String text, boolean finished, String errorCode, List<Long> deltaNanos, List<Poll> polls) {
            this(text, finished, errorCode, deltaNanos, polls, null);
        }

        Outcome(String text, boolean finished, String errorCode, List<Long> deltaNanos) {
            this(text, finished, errorCode, deltaNanos, List.of());
        }

        static Outcome error(String code) {
            return new Outcome("", false, code, List.of());
        }
    }

    /** One poll of an asynchronous job: when its answer arrived, the job's status and the board it names. */
    record Poll(long nanos, String status, String worker) {
    }

    /** A chat stream's chunks carry {@code chatcmpl-<job id>}. */
    private static final String STREAM_ID_PREFIX = "chatcmpl-";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;
    private final String model;
    private final int maxTokens;
    private final Duration timeout;

    ChaosClient(String baseUrl, String model, int maxTokens, Duration timeout) {
        this.baseUrl = baseUrl;
        this.model = model;
        this.maxTokens = maxTokens;
        this.timeout = timeout;
    }

    /** The non-streamed answer of a calm run: the reference of a prompt. */
    String reference(String prompt) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/v1/chat/completions", body(prompt, false));
        if (r.statusCode() != 200) {
            throw new IOException("reference request failed: " + r.statusCode() + " " + r.body());
        }
        return json(r.body()).at("/choices/0/message/content").asText();
    }

    Outcome streamed(String prompt) {
        try {
            HttpRequest req = request("/v1/chat/completions", body(prompt, true));
            HttpResponse<Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
            if (r.statusCode() != 200) {
                r.body().close();
                return Outcome.error("http_" + r.statusCode());
            }
            try (Stream<String> lines = r.body()) {
                return readStream(lines.iterator());
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return Outcome.error("io: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.error("interrupted");
        }
    }

    private static Outcome readStream(Iterator<String> lines) {
        StringBuilder text = new StringBuilder();
        List<Long> times = new ArrayList<>();
        String finish = null;
        String error = null;
        String id = null;
        while (lines.hasNext()) {
            String line = lines.next();
            if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
                continue;
            }
            JsonNode d = json(line.substring(6));
            if (d.has("error")) {
                error = d.at("/error/code").asText("error");
                continue;
            }
            if (id == null && d.path("id").asText("").startsWith(STREAM_ID_PREFIX)) {
                id = d.path("id").asText().substring(STREAM_ID_PREFIX.length());
            }
            String delta = d.at("/choices/0/delta/content").asText("");
            if (!delta.isEmpty()) {
                text.append(delta);
                times.add(System.nanoTime());
            }
            if (!d.at("/choices/0/finish_reason").isMissingNode() && !d.at("/choices/0/finish_reason").isNull()) {
                finish = d.at("/choices/0/finish_reason").asText();
            }
        }
        return new Outcome(text.toString(), finish != null && error == null, error, times, List.of(), id);
    }

    /** Submits an asynchronous job and polls it until it ends or the client's timeout passes. */
    Outcome async(String prompt) {
        try {
            HttpResponse<String> r = post("/v1/jobs", "{\"endpoint\":\"/v1/chat/completions\",\"body\":"
                    + body(prompt, false) + "}");
            if (r.statusCode() != 202) {
                return Outcome.error("http_" + r.statusCode());
            }
            return poll(json(r.body()).path("id").asText());
        } catch (IOException e) {
            return Outcome.error("io: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.error("interrupted");
        }
    }

    /** Polls job {@code id} every 250 ms, noting the status and board each poll saw, until it ends. */
    private Outcome poll(String id) throws IOException, InterruptedException {
        List<Poll> polls = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(250); // a poll interval, not a condition: the job's end is read from the answer
            HttpResponse<String> g = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/jobs/" + id))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (g.statusCode() != 200) {
                continue; // the broker is away: the job is still there
            }
            JsonNode job = json(g.body());
            String status = job.path("status").asText();
            polls.add(new Poll(System.nanoTime(), status, job.path("worker").asText(null)));
            switch (status) {
                case "completed":
                    return new Outcome(job.at("/response/choices/0/message/content").asText(), true, null,
                            List.of(), polls, id);
                case "failed", "cancelled", "expired":
                    return new Outcome("", false, job.at("/error/code").asText(status), List.of(), polls, id);
                default:
                    break;
            }
        }
        return new Outcome("", false, "never_ended", List.of(), polls, id);
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(request(path, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path, String body) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    }

    private String body(String prompt, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"max_tokens\":" + maxTokens
                + ",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":"
                + JsonCodec.mapper().valueToTree(prompt) + "}]}";
    }

    private static JsonNode json(String text) {
        return JsonCodec.decode(text.getBytes(StandardCharsets.UTF_8), JsonNode.class);
    }
}
