package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.ErrorInfo;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Usage;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/jobs/{id}/events}: a job's answer as its endpoint's SSE stream, from the log, resumed after
 * {@code Last-Event-ID}; it follows a running job to its end.
 */
class JobEventStreamHttpTest {
    private static final String CHAT = """
            {"model":"test-model","max_tokens":16,"messages":[{"role":"user","content":"Hi"}]}""";

    private HttpHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new HttpHarness(Map.of());
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    /** A streamed chat request whose gateway connection will not be read: only its job matters here. */
    private Job chatJob() throws InterruptedException {
        harness.postAsync("/v1/chat/completions", CHAT.replace("{\"model\"", "{\"stream\":true,\"model\""));
        return harness.bus.nextJob().job();
    }

    private CompletableFuture<HttpResponse<String>> events(String jobId, String lastEventId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(harness.uri("/v1/jobs/" + jobId + "/events"))
                .timeout(Duration.ofSeconds(20));
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return harness.client().sendAsync(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<SseFrame> frames(HttpResponse<String> response) {
        return SseFrame.parse(response.body());
    }

    @Test
    void shouldResumeAfterTheLastEventIdAndFollowTheJobToItsEnd() throws Exception {
        Job job = chatJob();
        harness.publish(Events.started(job.id()));
        harness.publish(Events.chunk(job.id(), 0, "Hello"));

        // the client had "Hel" (SSE id 3) when its stream broke
        int reads = harness.jobLog.reads.get();
        CompletableFuture<HttpResponse<String>> resumed = events(job.id(), "3");
        // the stream has read the log twice (found the job, then followed it) before the rest comes
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.jobLog.reads.get() >= reads + 2);
        harness.publish(Events.chunk(job.id(), 5, ", board"));
        harness.publish(Event.finish(job.id(), Events.BOARD, 1, 12, "stop", Usage.of(9, 3, 0), null, null));
        HttpResponse<String> response = resumed.get(20, TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("text/event-stream"));
        List<SseFrame> frames = frames(response);
        StringBuilder text = new StringBuilder();
        for (SseFrame f : frames.subList(0, frames.size() - 2)) {
            JsonNode chunk = JsonCodec.mapper().readTree(f.data());
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.path("id").asText()).isEqualTo("chatcmpl-" + job.id());
            assertThat(chunk.at("/choices/0/delta/role").isMissingNode()).as("no role chunk on a resume").isTrue();
            text.append(chunk.at("/choices/0/delta/content").asText());
        }
        assertThat(text).hasToString("lo, board");
        assertThat(frames.get(frames.size() - 3).id()).isEqualTo("12");
        JsonNode finish = JsonCodec.mapper().readTree(frames.get(frames.size() - 2).data());
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(frames.get(frames.size() - 1).data()).isEqualTo("[DONE]");
    }

    @Test
    void shouldStreamAFinishedJobFromTheStartWithTheRoleChunk() throws Exception {
        Job job = chatJob();
        harness.publish(Events.chunk(job.id(), 0, "Hi \uD83D\uDC4B"));
        harness.publish(Event.finish(job.id(), Events.BOARD, 1, 4, "length", Usage.of(9, 3, 0), null, null));

        List<SseFrame> frames = frames(events(job.id(), null).get(20, TimeUnit.SECONDS));

        assertThat(JsonCodec.mapper().readTree(frames.get(0).data()).at("/choices/0/delta/role").asText())
                .isEqualTo("assistant");
        assertThat(JsonCodec.mapper().readTree(frames.get(1).data()).at("/choices/0/delta/content").asText())
                .isEqualTo("Hi \uD83D\uDC4B");
        assertThat(frames.get(1).id()).isEqualTo("4");
        assertThat(JsonCodec.mapper().readTree(frames.get(2).data()).at("/choices/0/finish_reason").asText())
                .isEqualTo("length");
    }

    @Test
    void shouldEndWithTheJobsErrorThenDone() throws Exception {
        Job job = chatJob();
        harness.publish(Event.error(job.id(), Events.BOARD, 1, ErrorInfo.of(ErrorCode.RUNTIME_ERROR, "NPU fault")));

        List<SseFrame> frames = frames(events(job.id(), "0").get(20, TimeUnit.SECONDS));

        JsonNode error = JsonCodec.mapper().readTree(frames.get(frames.size() - 2).data());
        assertThat(error.at("/error/message").asText()).contains("NPU fault");
        assertThat(frames.get(frames.size() - 1).data()).isEqualTo("[DONE]");
    }

    @Test
    void shouldAnswer404ForAnUnknownJobAnd400ForABadOffset() throws Exception {
        HttpResponse<String> unknown = events(JobIds.newId(), null).get(20, TimeUnit.SECONDS);
        Job job = chatJob();
        HttpResponse<String> bad = events(job.id(), "-4").get(20, TimeUnit.SECONDS);

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JsonCodec.mapper().readTree(unknown.body()).at("/error/code").asText()).isEqualTo("not_found");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JsonCodec.mapper().readTree(bad.body()).at("/error/param").asText()).isEqualTo("Last-Event-ID");
    }
}
