package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.gateway.kafka.BrokerStatuses;
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
 * {@code Last-Event-ID}; it follows a running job's events live to its end, joined to the history without a gap
 * or a repeat, and lets go of the job when the client does.
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
        CompletableFuture<HttpResponse<String>> resumed = events(job.id(), "3");
        // the stream follows the job's events before the rest comes
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.pending.followers() == 1);
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
        assertThat(harness.pending.followers()).as("a finished job is answered from the log alone").isZero();
    }

    @Test
    void shouldJoinTheHistoryAndTheLiveEventsWithoutAGapOrARepeat() throws Exception {
        Job job = chatJob();
        harness.publish(Events.started(job.id()));
        harness.publish(Events.chunk(job.id(), 0, "Hello"));
        CompletableFuture<Void> slowLookup = new CompletableFuture<>();
        harness.jobLog.hold = slowLookup;

        CompletableFuture<HttpResponse<String>> resumed = events(job.id(), "3");
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.pending.followers() == 1);
        // a chunk published while the history is read: handed over live and in the history as well
        harness.publish(Events.chunk(job.id(), 5, ", bo"));
        slowLookup.complete(null); // reads the log and joins the stream to the job on this thread
        // a re-run (a worker crashed) replays the answer from its start, and goes on
        harness.publish(Event.chunk(job.id(), "board-2", 2, 0, "Hello, boa"));
        harness.publish(Event.chunk(job.id(), "board-2", 2, 10, "rd"));
        harness.publish(Event.finish(job.id(), "board-2", 2, 12, "stop", Usage.of(9, 3, 0), null, null));
        List<SseFrame> frames = frames(resumed.get(20, TimeUnit.SECONDS));

        List<SseFrame> content = frames.subList(0, frames.size() - 2);
        StringBuilder text = new StringBuilder();
        for (SseFrame f : content) {
            text.append(JsonCodec.mapper().readTree(f.data()).at("/choices/0/delta/content").asText());
        }
        assertThat(text).hasToString("lo, board");
        assertThat(content).extracting(SseFrame::id).containsExactly("9", "10", "12");
        assertThat(JsonCodec.mapper().readTree(frames.get(frames.size() - 2).data()).at("/choices/0/finish_reason")
                .asText()).isEqualTo("stop");
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.pending.followers() == 0);
    }

    @Test
    void shouldEndAsIncompleteWhenTheJobFinishesAfterAHoleInItsText() throws Exception {
        Job job = chatJob();
        harness.publish(Events.chunk(job.id(), 0, "Hello"));
        CompletableFuture<HttpResponse<String>> resumed = events(job.id(), "5");
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.pending.followers() == 1);

        // code points 5 to 9 never arrive
        harness.publish(Events.chunk(job.id(), 9, "ard"));
        harness.publish(Events.finish(job.id(), 12, Usage.of(9, 3, 0)));
        List<SseFrame> frames = frames(resumed.get(20, TimeUnit.SECONDS));

        assertThat(frames).extracting(SseFrame::data).noneMatch(d -> d.contains("ard"));
        JsonNode error = JsonCodec.mapper().readTree(frames.get(frames.size() - 2).data());
        assertThat(error.at("/error/code").asText()).isEqualTo("answer_incomplete");
        assertThat(frames.get(frames.size() - 1).data()).isEqualTo("[DONE]");
    }

    @Test
    void shouldEndWithAnErrorEventWhenTheBrokerGoesDownWhileFollowing() throws Exception {
        Job job = chatJob();
        harness.publish(Events.chunk(job.id(), 0, "Hello"));
        CompletableFuture<HttpResponse<String>> resumed = events(job.id(), null);
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.pending.followers() == 1);

        BrokerStatuses.down(harness.broker, "TimeoutException: no broker answered");
        HttpResponse<String> response = resumed.get(20, TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(200);
        List<SseFrame> frames = frames(response);
        assertThat(JsonCodec.mapper().readTree(frames.get(1).data()).at("/choices/0/delta/content").asText())
                .isEqualTo("Hello");
        JsonNode error = JsonCodec.mapper().readTree(frames.get(frames.size() - 2).data());
        assertThat(error.at("/error/code").asText()).isEqualTo("broker_unavailable");
        assertThat(error.at("/error/message").asText()).contains("Last-Event-ID: 5");
        assertThat(frames.get(frames.size() - 1).data()).isEqualTo("[DONE]");
        assertThat(harness.pending.followers()).isZero();
    }

    @Test
    void shouldRefuseToFollowARunningJobBeforeTheEventsAreReadButServeAnEndedOne() throws Exception {
        Job running = chatJob();
        harness.publish(Events.chunk(running.id(), 0, "Hello"));
        Job ended = chatJob();
        harness.publish(Events.chunk(ended.id(), 0, "Bye"));
        harness.publish(Events.finish(ended.id(), 3, Usage.of(9, 1, 0)));
        // the events consumer is not positioned yet: live events could be missed, so a running job is not joined
        harness.eventsReady.set(false);

        HttpResponse<String> refused = events(running.id(), null).get(20, TimeUnit.SECONDS);
        HttpResponse<String> served = events(ended.id(), null).get(20, TimeUnit.SECONDS);

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(JsonCodec.mapper().readTree(refused.body()).at("/error/code").asText())
                .isEqualTo("broker_unavailable");
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(frames(served).get(frames(served).size() - 1).data()).isEqualTo("[DONE]");
        assertThat(harness.pending.followers()).isZero();
    }

    @Test
    void shouldReleaseTheFollowerWhenTheClientHangsUp() throws Exception {
        harness.close();
        harness = new HttpHarness(Map.of("NPUFLEET_SSE_KEEPALIVE_MS", "100"));
        Job job = chatJob();
        harness.publish(Events.chunk(job.id(), 0, "Hello"));

        try (RawClient client = RawClient.get(harness.port(), "/v1/jobs/" + job.id() + "/events", "Last-Event-ID: 2")) {
            assertThat(client.readUntil("\"llo\"")).contains("id: 5");
            assertThat(harness.pending.followers()).isEqualTo(1);
        }

        // the next keep-alive comment fails to reach the client, which releases its place
        await().atMost(Duration.ofSeconds(20)).until(() -> harness.pending.followers() == 0);
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
        assertThat(harness.pending.followers()).isZero();
        Job job = chatJob();
        HttpResponse<String> bad = events(job.id(), "-4").get(20, TimeUnit.SECONDS);

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JsonCodec.mapper().readTree(unknown.body()).at("/error/code").asText()).isEqualTo("not_found");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JsonCodec.mapper().readTree(bad.body()).at("/error/param").asText()).isEqualTo("Last-Event-ID");
    }
}
