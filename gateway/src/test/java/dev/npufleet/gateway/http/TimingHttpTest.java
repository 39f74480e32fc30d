package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.gateway.api.HopReport;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Hops;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.Timings;
import dev.npufleet.protocol.Usage;
import io.micrometer.core.instrument.Timer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-hop timing through the real HTTP layer, the test playing the worker: only a client that asks gets it. */
class TimingHttpTest {
    private static final String CHAT = """
            {"model":"test-model","max_tokens":16,"messages":[{"role":"user","content":"Hi"}]}""";
    private static final String CHAT_STREAM = """
            {"model":"test-model","stream":true,"messages":[{"role":"user","content":"Hi"}]}""";
    private static final Hops WORKER = new Hops(0.0, 0.0, 0.0, 0.25);

    private HttpHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new HttpHarness();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void shouldAnswerAUnaryRequestThatAsksWithAServerTimingHeaderWhosePartsAddUp() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = post(CHAT, "1");
        answer(WORKER);

        HttpResponse<String> response = pending.get(10, TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(200);
        HopReport timing = HopReport.parseServerTiming(response.headers().firstValue("server-timing").orElseThrow());
        assertThat(timing.hops()).extracting(HopReport.Hop::name).containsExactly("publish", "kafka", "wait",
                "first_token", "chunk", "first_chunk", "total", "accept", "chunk_ack");
        assertThat(timing.get("chunk_ack")).hasValue(0.25);
        double parts = timing.get("publish").orElseThrow() + timing.get("kafka").orElseThrow();
        assertThat(parts).isCloseTo(timing.get("first_chunk").orElseThrow(), within(0.002));
        assertThat(timing.get("first_chunk").orElseThrow()).isLessThanOrEqualTo(timing.get("total").orElseThrow());
    }

    @Test
    void shouldEndAStreamThatAsksWithATimingChunkJustBeforeDone() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = post(CHAT_STREAM, "true");
        answer(WORKER);

        HttpResponse<String> response = pending.get(10, TimeUnit.SECONDS);

        List<SseFrame> frames = SseFrame.parse(response.body());
        assertThat(frames.get(frames.size() - 1).isDone()).isTrue();
        JsonNode chunk = frames.get(frames.size() - 2).json();
        assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(chunk.path("choices")).isEmpty();
        JsonNode timing = chunk.path(HopReport.FIELD);
        assertThat(timing.fieldNames()).toIterable().containsExactly("publish", "kafka", "wait", "first_token",
                "chunk", "first_chunk", "relay", "ttfb", "total", "accept", "chunk_ack");
        assertThat(timing.get("first_chunk").asDouble() + timing.get("relay").asDouble())
                .isCloseTo(timing.get("ttfb").asDouble(), within(0.002));
        assertThat(response.headers().firstValue("server-timing")).isEmpty();
    }

    @Test
    void shouldGiveAnOllamaClientThatAsksTheHeaderOnAWholeAnswerAndNothingInItsStream() throws Exception {
        CompletableFuture<HttpResponse<String>> whole = post("/api/chat", """
                {"model":"test-model","stream":false,"messages":[{"role":"user","content":"Hi"}]}""", "1");
        answer(WORKER);
        CompletableFuture<HttpResponse<String>> streamed = post("/api/chat", """
                {"model":"test-model","messages":[{"role":"user","content":"Hi"}]}""", "1");
        answer(WORKER);

        HttpResponse<String> response = whole.get(10, TimeUnit.SECONDS);
        HttpResponse<String> lines = streamed.get(10, TimeUnit.SECONDS);

        assertThat(HopReport.parseServerTiming(response.headers().firstValue("server-timing").orElseThrow())
                .get("kafka")).isPresent();
        assertThat(lines.statusCode()).isEqualTo(200);
        assertThat(lines.body()).doesNotContain(HopReport.FIELD);
        assertThat(lines.body().strip().lines().reduce((a, b) -> b).orElseThrow()).contains("\"done\":true");
    }

    @Test
    void shouldSendNothingExtraToAClientThatDidNotAsk() throws Exception {
        CompletableFuture<HttpResponse<String>> unary = post(CHAT, null);
        answer(WORKER);
        CompletableFuture<HttpResponse<String>> stream = post(CHAT_STREAM, "0");
        answer(WORKER);

        HttpResponse<String> whole = unary.get(10, TimeUnit.SECONDS);
        HttpResponse<String> streamed = stream.get(10, TimeUnit.SECONDS);

        assertThat(whole.headers().firstValue("server-timing")).isEmpty();
        assertThat(whole.body()).doesNotContain(HopReport.FIELD);
        assertThat(streamed.headers().firstValue("server-timing")).isEmpty();
        assertThat(streamed.body()).doesNotContain(HopReport.FIELD);
        assertThat(SseFrame.parse(streamed.body())).hasSize(4); // role, text, finish, [DONE]
    }

    @Test
    void shouldGiveOnlyTheGatewaysHopsWhenAnOldWorkerSendsNone() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = post(CHAT, "1");
        answer(null);

        HttpResponse<String> response = pending.get(10, TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(HopReport.parseServerTiming(response.headers().firstValue("server-timing").orElseThrow()).hops())
                .extracting(HopReport.Hop::name).containsExactly("publish", "first_chunk", "total", "accept");
    }

    @Test
    void shouldRecordTheGatewaysHopsInTheMetricsForEveryClient() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = post(CHAT_STREAM, null);
        answer(WORKER);
        pending.get(10, TimeUnit.SECONDS);

        assertThat(harness.metrics.scrape()).contains(
                "gateway_hop_seconds_count{hop=\"publish\",model=\"test-model\"} 1",
                "gateway_hop_seconds_count{hop=\"accept\",model=\"test-model\"} 1",
                "gateway_hop_seconds_count{hop=\"kafka\",model=\"test-model\"} 1",
                "gateway_hop_seconds_count{hop=\"relay\",model=\"test-model\"} 1",
                "gateway_hop_seconds_bucket{hop=\"kafka\",model=\"test-model\",le=");
    }

    private long acceptsRecorded() {
        Timer timer = harness.metrics.registry().find("gateway.hop").tag("hop", "accept").timer();
        return timer == null ? 0 : timer.count();
    }

    private CompletableFuture<HttpResponse<String>> post(String body, String timingHeader) {
        return post("/v1/chat/completions", body, timingHeader);
    }

    private CompletableFuture<HttpResponse<String>> post(String path, String body, String timingHeader) {
        HttpRequest.Builder b = HttpRequest.newBuilder(harness.uri(path))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (timingHeader != null) {
            b.header(HopReport.REQUEST_HEADER, timingHeader);
        }
        return harness.client().sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Plays the worker: STARTED, one chunk, FINISH with {@code hops} (null: a worker from before them). */
    private void answer(Hops hops) throws InterruptedException {
        long acked = acceptsRecorded();
        Job job = harness.bus.nextJob().job();
        // the job is in the fake bus before its acknowledgement's callback marks the time: as a worker would, answer after it
        await().atMost(Duration.ofSeconds(5)).until(() -> acceptsRecorded() > acked);
        harness.emit(Events.started(job.id()));
        harness.emit(Events.chunk(job.id(), 0, "Hello"));
        harness.emit(Event.finish(job.id(), Events.BOARD, 1, 5, "stop", Usage.of(3, 1, 0),
                new Timings(1, 0, 1, 1, 10, 10, 3, hops), null));
    }
}
