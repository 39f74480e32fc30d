package dev.npufleet.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path, for real: HTTP → gateway → Kafka → two worker processes on the simulator
 * through the JNI bridge → Kafka → gateway → HTTP.
 */
@ExtendWith(KafkaTestBroker.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetEndToEndIT {
    private TestFleet fleet;
    private EventsTap events;

    @BeforeAll
    void startFleet(KafkaTestBroker.Broker broker, @TempDir Path dir) throws Exception {
        fleet = new TestFleet(broker.bootstrapServers(), KafkaTestBroker.uniqueName("e2e") + ".", dir);
        // a few ms per token, so a long answer is still running when a test disconnects from it
        fleet.startWorker("board-a", Map.of("NPUFLEET_SIM_OPTIONS", "slow_ms_per_token=4"));
        fleet.startWorker("board-b", Map.of("NPUFLEET_SIM_OPTIONS", "slow_ms_per_token=4"));
        fleet.awaitWorkers();
        events = new EventsTap(broker.bootstrapServers(), fleet.topics().events());
    }

    @AfterAll
    void stopFleet() throws Exception {
        if (events != null) {
            events.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    private String chat(String content, boolean stream, int maxTokens) {
        return """
                {"model":"%s","stream":%s,"max_tokens":%d,"temperature":0,
                 "stream_options":{"include_usage":true},
                 "messages":[{"role":"system","content":"You are a board."},{"role":"user","content":"%s"}]}
                """.formatted(TestFleet.MODEL, stream, maxTokens, content);
    }

    @Test
    void shouldStreamAndAnswerTheSameGreedyTextThroughTheWholeFleet() throws Exception {
        // When the same greedy request is made streamed and not streamed
        HttpResponse<Stream<String>> streamed = Http.postStreaming(fleet.baseUrl() + "/v1/chat/completions",
                chat("Tell me about Kafka.", true, 24));
        List<String> data = Http.sseData(streamed.body());
        HttpResponse<String> whole = Http.post(fleet.baseUrl() + "/v1/chat/completions",
                chat("Tell me about Kafka.", false, 24));

        // Then both carry the same answer, with OpenAI's framing and the runtime's usage
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.headers().firstValue("content-type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(data).last().isEqualTo("[DONE]");
        JsonNode first = Http.json(data.get(0));
        assertThat(first.path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.path("choices").path(0).path("delta").path("role").asText()).isEqualTo("assistant");
        JsonNode usageChunk = Http.json(data.get(data.size() - 2));
        assertThat(usageChunk.path("usage").path("completion_tokens").asInt()).isEqualTo(24);

        assertThat(whole.statusCode()).isEqualTo(200);
        JsonNode answer = Http.json(whole.body());
        String text = answer.path("choices").path(0).path("message").path("content").asText();
        assertThat(text).isNotEmpty().isEqualTo(Http.streamedContent(data));
        assertThat(answer.path("choices").path(0).path("finish_reason").asText()).isEqualTo("length");
        JsonNode usage = answer.path("usage");
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(24);
        assertThat(usage.path("prompt_tokens").asInt()).isGreaterThan(20);
        assertThat(usage.path("total_tokens").asInt())
                .isEqualTo(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt());
    }

    @Test
    void shouldAnswerTwentyConcurrentRequestsOverBothWorkers() {
        // Given 20 different prompts without a system prompt, so each is routed by its own job id
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 20; i++) {
            String body = """
                    {"model":"%s","max_tokens":8,"messages":[{"role":"user","content":"question %d"}]}
                    """.formatted(TestFleet.MODEL, i);
            calls.add(client.sendAsync(HttpRequest.newBuilder(URI.create(fleet.baseUrl() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }

        // When they all complete
        List<HttpResponse<String>> responses = calls.stream().map(CompletableFuture::join).toList();

        // Then every one was answered, and both boards served some
        assertThat(responses).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            // sampled decoding may draw the end-of-text token before max_tokens: then it stopped early
            JsonNode body = Http.json(r.body());
            int tokens = body.path("usage").path("completion_tokens").asInt();
            assertThat(tokens).isBetween(1, 8);
            assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo(tokens == 8 ? "length" : "stop");
        });
        Set<String> boards = responses.stream().map(r -> r.headers().firstValue("x-npufleet-worker").orElse("?"))
                .collect(Collectors.toSet());
        assertThat(boards).containsExactlyInAnyOrder("board-a", "board-b");
    }

    @Test
    void shouldAbortTheJobOnTheWorkerWhenTheClientDisconnects() throws Exception {
        // Given a long streamed answer (1,000 tokens at 4 ms each) that has started
        HttpResponse<InputStream> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(URI.create(fleet.baseUrl() + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(chat("Write a long story.", true, 1000))).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        String jobId = response.headers().firstValue("x-npufleet-job-id").orElseThrow();
        InputStream body = response.body();
        assertThat(body.read(new byte[256])).isPositive();

        // When the client goes away
        body.close();

        // Then the worker aborts it: the job finishes as cancelled, long before 1,000 tokens
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(events.of(jobId))
                .anySatisfy(e -> {
                    assertThat(e.type()).isEqualTo(EventType.FINISH);
                    assertThat(e.finishReason()).isEqualTo("cancelled");
                    assertThat(e.usage().completionTokens()).isLessThan(1000);
                }));
    }

    @Test
    void shouldAbortTheJobOnTheWorkerWhenANonStreamedClientHangsUp() throws Exception {
        // Given a non-streamed request for a long answer, from a client that gives up while it waits
        Set<String> before = events.jobIds();
        URI uri = URI.create(fleet.baseUrl());
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            byte[] body = chat("Tell me everything.", false, 1000).getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            // its job is running on a board
            await().atMost(Duration.ofSeconds(20)).until(() -> events.jobIds().stream()
                    .filter(id -> !before.contains(id))
                    .anyMatch(id -> events.of(id).stream().anyMatch(e -> e.type() == EventType.CHUNK)));
        }

        // Then the worker aborts it: the job finishes as cancelled, long before 1,000 tokens
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(events.jobIds()).filteredOn(
                id -> !before.contains(id)).singleElement().satisfies(id -> assertThat(events.of(id))
                .anySatisfy(e -> {
                    assertThat(e.type()).isEqualTo(EventType.FINISH);
                    assertThat(e.finishReason()).isEqualTo("cancelled");
                    assertThat(e.usage().completionTokens()).isLessThan(1000);
                })));
    }

    /** Both ways of giving the system prompt: as messages, and as RockchipLlama's {@code prompt}. */
    @ParameterizedTest(name = "cache given as {0}")
    @ValueSource(strings = {"messages", "prompt"})
    void shouldServeANamedCacheWithTheSameAnswerAndMeasuredCachedTokens(String shape) throws Exception {
        String system = "You are the e2e board. Answer in the voice of a patient teacher of systems.";
        String cacheUrl = fleet.baseUrl() + "/v1/cache/" + TestFleet.MODEL;
        String name = "e2e-teacher-" + shape;
        // Given a named cache holding that system prompt, built on a board
        HttpResponse<String> created = Http.post(cacheUrl, shape.equals("prompt")
                ? "{\"cache_name\":\"%s\",\"prompt\":\"%s\"}".formatted(name, system)
                : "{\"cache_name\":\"%s\",\"messages\":[{\"role\":\"system\",\"content\":\"%s\"}]}"
                        .formatted(name, system));
        assertThat(created.statusCode()).isEqualTo(201);
        int prefixTokens = Http.json(created.body()).path("build").path("tokens").asInt();
        assertThat(prefixTokens).isGreaterThan(system.length());

        // When the same question is asked with the cache, and with the system prompt sent in full
        String question = "{\"role\":\"user\",\"content\":\"Explain partitions.\"}";
        HttpResponse<String> cached = Http.post(fleet.baseUrl() + "/v1/chat/completions", """
                {"model":"%s","max_tokens":16,"temperature":0,"use_cache":"%s","messages":[%s]}
                """.formatted(TestFleet.MODEL, name, question));
        HttpResponse<String> full = Http.post(fleet.baseUrl() + "/v1/chat/completions", """
                {"model":"%s","max_tokens":16,"temperature":0,
                 "messages":[{"role":"system","content":"%s"},%s]}
                """.formatted(TestFleet.MODEL, system, question));

        // Then the answers are identical, and the cached one skipped exactly the prefix's prefill
        JsonNode withCache = Http.json(cached.body());
        assertThat(cached.statusCode()).isEqualTo(200);
        assertThat(withCache.path("choices").path(0).path("message").path("content").asText())
                .isEqualTo(Http.json(full.body()).path("choices").path(0).path("message").path("content").asText());
        assertThat(withCache.path("usage").path("prompt_tokens_details").path("cached_tokens").asInt())
                .as("cached tokens; built on %s, routed %s, served by %s", Http.json(created.body()).path("build")
                        .path("worker").asText(), cached.headers().firstValue("x-npufleet-routing").orElse("?"),
                        cached.headers().firstValue("x-npufleet-worker").orElse("?"))
                .isEqualTo(prefixTokens);
        assertThat(withCache.path("usage").path("cache_hit").asBoolean()).isTrue();
        assertThat(withCache.path("usage").path("prompt_tokens").asInt())
                .isEqualTo(Http.json(full.body()).path("usage").path("prompt_tokens").asInt());

        // And a deleted cache is gone for the fleet
        HttpResponse<String> deleted = Http.delete(cacheUrl + "/" + name);
        assertThat(deleted.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Http.post(
                fleet.baseUrl() + "/v1/chat/completions", """
                {"model":"%s","max_tokens":4,"use_cache":"%s","messages":[%s]}
                """.formatted(TestFleet.MODEL, name, question)).statusCode()).isEqualTo(404));
    }

    @Test
    void shouldRejectBadInputWithOpenAiShapedErrors() throws Exception {
        String url = fleet.baseUrl() + "/v1/chat/completions";
        record Case(String body, int status, String param) {
        }
        List<Case> cases = List.of(
                new Case("{not json", 400, null),
                new Case("{\"model\":\"" + TestFleet.MODEL + "\"}", 400, "messages"),
                new Case("{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 404, null),
                new Case("{\"model\":\"" + TestFleet.MODEL + "\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        400, "n"),
                new Case("{\"model\":\"" + TestFleet.MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + "x".repeat(70_000) + "\"}]}", 413, null),
                new Case("{\"model\":\"" + TestFleet.MODEL + "\",\"use_cache\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        404, null));
        for (Case c : cases) {
            HttpResponse<String> r;
            try {
                r = Http.post(url, c.body());
            } catch (java.io.IOException e) {
                throw new AssertionError("case " + cases.indexOf(c) + " (" + c.status() + "): " + e, e);
            }
            assertThat(r.statusCode()).as(c.body().substring(0, Math.min(60, c.body().length()))).isEqualTo(c.status());
            JsonNode error = Http.json(r.body()).path("error");
            assertThat(error.path("message").asText()).isNotBlank();
            assertThat(error.has("type")).isTrue();
            if (c.param() != null) {
                assertThat(error.path("param").asText()).isEqualTo(c.param());
            }
        }
        // A prompt longer than the context is refused by the runtime and reported as OpenAI does, with its count
        String tooLong = "{\"model\":\"" + TestFleet.MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "y".repeat(5000) + "\"}]}";
        HttpResponse<String> r = Http.post(url, tooLong);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode overflow = Http.json(r.body()).path("error");
        assertThat(overflow.path("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(overflow.path("message").asText()).contains("maximum context length is 2048 tokens")
                .contains("resulted in 50");
        // One that no tokenizer bound lets fit is refused by the gateway, before any board
        String wayTooLong = tooLong.replace("y".repeat(5000), "y".repeat(30_000));
        HttpResponse<String> early = Http.post(url, wayTooLong);
        assertThat(early.statusCode()).isEqualTo(400);
        assertThat(Http.json(early.body()).path("error").path("message").asText()).contains("at least 2307 tokens");
        // And a max_tokens above the boards' limit is refused, not capped
        HttpResponse<String> tooMany = Http.post(url, chat("Hi", false, 100_000_000));
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(Http.json(tooMany.body()).path("error").path("param").asText()).isEqualTo("max_tokens");
    }

    @Test
    void shouldKeepEveryJobsEventsInOrderWithConsistentOffsets() throws Exception {
        HttpResponse<String> r = Http.post(fleet.baseUrl() + "/v1/chat/completions", chat("Count.", false, 16));
        String jobId = r.headers().firstValue("x-npufleet-job-id").orElseThrow();

        await().atMost(Duration.ofSeconds(10)).until(() -> events.of(jobId).stream()
                .anyMatch(e -> e.type().isTerminal()) && events.of(jobId).stream()
                .anyMatch(e -> e.type() == EventType.ACCEPTED));
        // The gateway's own record of the job (ACCEPTED) is there once, wherever it fell among the worker's events
        List<Event> all = events.of(jobId);
        assertThat(all).filteredOn(e -> e.type() == EventType.ACCEPTED).hasSize(1);
        List<Event> list = all.stream().filter(e -> e.type() != EventType.ACCEPTED).toList();
        // Each attempt (a rebalance may move a running job) starts with STARTED, then its chunks
        // cover the answer from offset 0 without gaps; the job ends once, with the answer's length.
        assertThat(list.get(0).type()).isEqualTo(EventType.STARTED);
        long offset = 0;
        for (Event e : list.subList(1, list.size() - 1)) {
            if (e.type() == EventType.STARTED) {
                offset = 0;
                continue;
            }
            assertThat(e.type()).isEqualTo(EventType.CHUNK);
            assertThat(e.seq()).isEqualTo(offset);
            offset += e.length();
        }
        Event finish = list.get(list.size() - 1);
        assertThat(finish.type()).isEqualTo(EventType.FINISH);
        assertThat(list.stream().filter(e -> e.type().isTerminal())).hasSize(1);
        assertThat(finish.seq()).isEqualTo(offset);
    }
}
