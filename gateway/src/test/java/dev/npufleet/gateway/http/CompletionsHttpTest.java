package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Usage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Chat and text completions through the real HTTP layer, the test playing the worker. */
class CompletionsHttpTest {
    private static final String CHAT_STREAM = """
            {"model":"test-model","stream":true,"stream_options":{"include_usage":true},"n":1,"user":"u1",
             "logprobs":false,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]}""";
    private static final String CHAT = """
            {"model":"test-model","max_tokens":16,"temperature":0,"messages":[{"role":"user","content":"Hi"}]}""";

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
    void shouldAnswerANonStreamedChatWithTheWholeAnswerAndUsage() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/v1/chat/completions", CHAT);
        Job job = harness.bus.nextJob().job();
        harness.emit(Events.started(job.id()));
        harness.emit(Events.chunk(job.id(), 0, "Hello"));
        harness.emit(Events.chunk(job.id(), 5, ", board"));
        harness.emit(Events.finish(job.id(), 12, new Usage(9, 3, 12, 4, true)));

        HttpResponse<String> response = pending.get(10, TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-npufleet-worker")).hasValue(Events.BOARD);
        JsonNode body = JsonCodec.mapper().readTree(response.body());
        assertThat(body.path("id").asText()).isEqualTo("chatcmpl-" + job.id());
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Hello, board");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(9);
        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(3);
        assertThat(body.at("/usage/prompt_tokens_details/cached_tokens").asInt()).isEqualTo(4);
        assertThat(body.at("/usage/cache_hit").asBoolean()).isTrue();
    }

    @Test
    void shouldTurnTheRequestIntoAJobForTheEventsTopicWithADeadline() throws Exception {
        harness.postAsync("/v1/chat/completions", CHAT);
        FakeBus.Published published = harness.bus.nextJob();
        Job job = published.job();

        assertThat(job.kind()).isEqualTo(JobKind.CHAT);
        assertThat(job.model()).isEqualTo(HttpHarness.MODEL);
        assertThat(job.replyTo()).isEqualTo("npu.events");
        assertThat(job.params().maxTokens()).isEqualTo(16);
        assertThat(job.params().seed()).as("a re-run must reproduce the text").isNotNull();
        assertThat(job.deadline() - job.createdAt()).isEqualTo(harness.config.requests().timeout().toMillis());
        assertThat(published.key()).isEqualTo(job.id()); // no system prompt, no cache
        // and, once the job is in, its ACCEPTED, so that GET /v1/jobs/{id} knows it on any gateway
        await().atMost(Duration.ofSeconds(5)).until(() -> !harness.bus.events.isEmpty());
        Event accepted = harness.bus.events.get(0);
        assertThat(accepted.type()).isEqualTo(EventType.ACCEPTED);
        assertThat(accepted.jobId()).isEqualTo(job.id());
        assertThat(accepted.accepted().endpoint()).isEqualTo("/v1/chat/completions");
        assertThat(accepted.accepted().deadline()).isEqualTo(job.deadline());
    }

    @Test
    void shouldStreamTheRoleThenContentThenFinishThenUsageThenDone() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/v1/chat/completions", CHAT_STREAM);
        Job job = harness.bus.nextJob().job();
        harness.emit(Events.started(job.id()));
        harness.emit(Events.chunk(job.id(), 0, "Hel"));
        harness.emit(Events.chunk(job.id(), 3, "lo 👋"));
        harness.emit(Events.finish(job.id(), 7, Usage.of(5, 2, 0)));

        HttpResponse<String> response = pending.get(10, TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("text/event-stream"));
        List<SseFrame> frames = SseFrame.parse(response.body());
        assertThat(frames).hasSize(6);
        assertThat(frames.get(0).json().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(frames.get(0).json().path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(frames.get(1).text()).isEqualTo("Hel");
        assertThat(frames.get(1).id()).isEqualTo("3");
        assertThat(frames.get(2).text()).isEqualTo("lo 👋");
        assertThat(frames.get(2).id()).as("ids count code points").isEqualTo("7");
        assertThat(frames.get(3).json().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(frames.get(4).json().path("choices")).isEmpty();
        assertThat(frames.get(4).json().at("/usage/total_tokens").asInt()).isEqualTo(7);
        assertThat(frames.get(5).isDone()).isTrue();
        assertThat(frames.get(1).json().path("id").asText()).isEqualTo("chatcmpl-" + job.id());
    }

    @Test
    void shouldStreamCompletionsAsTextCompletionChunksWithoutARoleChunk() throws Exception {
        String body = """
                {"model":"test-model","prompt":"Once","stream":true}""";
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/v1/completions", body);
        Job job = harness.bus.nextJob().job();
        harness.emit(Events.chunk(job.id(), 0, " upon"));
        harness.emit(Events.finish(job.id(), 5, Usage.of(1, 1, 0)));

        List<SseFrame> frames = SseFrame.parse(pending.get(10, TimeUnit.SECONDS).body());

        assertThat(job.kind()).isEqualTo(JobKind.COMPLETION);
        assertThat(job.prompt()).isEqualTo("Once");
        assertThat(frames).hasSize(3); // text, finish, [DONE]: no usage chunk unless asked for
        assertThat(frames.get(0).json().path("object").asText()).isEqualTo("text_completion");
        assertThat(frames.get(0).json().path("id").asText()).isEqualTo("cmpl-" + job.id());
        assertThat(frames.get(0).text()).isEqualTo(" upon");
        assertThat(frames.get(1).json().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(frames.get(2).isDone()).isTrue();
    }

    @Test
    void shouldAnswerANonStreamedCompletionAsATextCompletion() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/v1/completions",
                "{\"model\":\"test-model\",\"prompt\":[\"2+2=\"]}");
        Job job = harness.bus.nextJob().job();
        harness.emit(Events.chunk(job.id(), 0, "4"));
        harness.emit(Events.finish(job.id(), 1, Usage.of(4, 1, 0)));

        JsonNode body = JsonCodec.mapper().readTree(pending.get(10, TimeUnit.SECONDS).body());

        assertThat(body.path("object").asText()).isEqualTo("text_completion");
        assertThat(body.at("/choices/0/text").asText()).isEqualTo("4");
        assertThat(body.at("/usage/cache_hit").asBoolean()).isFalse();
    }

    @Test
    void shouldDeliverTheTextOfAReRunExactlyOnceDroppingAndTrimmingRepeatedChunks() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/v1/chat/completions", CHAT_STREAM);
        String id = harness.bus.nextJob().job().id();
        harness.emit(Events.chunk(id, 0, "Hello"));
        harness.emit(Events.chunk(id, 5, " world"));
        harness.emit(Events.chunk(id, 5, " world")); // a duplicate record
        // the worker crashed; the re-run repeats the answer in other chunks
        harness.emit(Events.started(id));
        harness.emit(Events.chunk(id, 0, "Hel"));
        harness.emit(Events.chunk(id, 3, "lo wo"));
        harness.emit(Events.chunk(id, 8, "rld, again"));
        harness.emit(Events.finish(id, 18, Usage.of(3, 5, 0)));

        List<SseFrame> frames = SseFrame.parse(pending.get(10, TimeUnit.SECONDS).body());

        List<String> texts = frames.stream().filter(f -> !f.isDone() && f.id() != null).map(SseFrame::text)
                .filter(t -> !t.isEmpty()).toList();
        assertThat(texts).containsExactly("Hello", " world", ", again");
        assertThat(String.join("", texts)).isEqualTo("Hello world, again");
        assertThat(harness.metrics.scrape())
                .contains("gateway_events_duplicates_total{kind=\"dropped\"} 3.0")
                .contains("gateway_events_duplicates_total{kind=\"trimmed\"} 1.0");
    }

    @Test
    void shouldHoldTextBackAfterAHoleUntilTheReRunFillsIt() throws Exception {
        // Given a stream whose second chunk never reached the log (a broker outage)
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/v1/chat/completions", CHAT_STREAM);
        String id = harness.bus.nextJob().job().id();
        harness.emit(Events.chunk(id, 0, "Hello"));
        harness.emit(Events.chunk(id, 11, ", again")); // " world" is missing

        // When the job's re-run sends its text again
        harness.emit(Events.started(id));
        harness.emit(Events.chunk(id, 0, "Hello world"));
        harness.emit(Events.chunk(id, 11, ", again"));
        harness.emit(Events.finish(id, 18, Usage.of(3, 5, 0)));

        // Then the client never saw text past the hole, and got the whole answer in order
        List<SseFrame> frames = SseFrame.parse(pending.get(10, TimeUnit.SECONDS).body());
        List<String> texts = frames.stream().filter(f -> !f.isDone() && f.id() != null).map(SseFrame::text)
                .filter(t -> !t.isEmpty()).toList();
        assertThat(texts).containsExactly("Hello", " world", ", again");
        assertThat(harness.metrics.scrape()).contains("gateway_events_gaps_total 1.0");
    }

    @Test
    void shouldEndAStreamWhoseAnswerEndsWithAHoleWithAnAnswerIncompleteErrorEvent() throws Exception {
        // Given a stream whose middle chunk is missing and a FINISH that says the answer is 18 characters
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/v1/chat/completions", CHAT_STREAM);
        String id = harness.bus.nextJob().job().id();
        harness.emit(Events.chunk(id, 0, "Hello"));
        harness.emit(Events.chunk(id, 11, ", again"));
        harness.emit(Events.finish(id, 18, Usage.of(3, 5, 0)));

        // Then the stream ends with an error event saying the answer was cut, and no finish_reason
        HttpResponse<String> response = pending.get(10, TimeUnit.SECONDS);
        List<SseFrame> frames = SseFrame.parse(response.body());
        assertThat(response.body()).doesNotContain("again").doesNotContain("\"finish_reason\":\"stop\"");
        SseFrame error = frames.get(frames.size() - 2);
        assertThat(error.json().at("/error/code").asText()).isEqualTo("answer_incomplete");
        assertThat(error.json().at("/error/message").asText()).contains("cut after 5 of its 18 characters");
        assertThat(frames.get(frames.size() - 1).isDone()).isTrue();
        assertThat(harness.metrics.scrape()).contains("gateway_answers_cut_total 1.0");
    }

    @Test
    void shouldAnswerANonStreamedRequestWhoseAnswerEndsWithAHoleWithA502() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/v1/chat/completions", CHAT);
        String id = harness.bus.nextJob().job().id();
        harness.emit(Events.chunk(id, 0, "Hello"));
        harness.emit(Events.chunk(id, 11, ", again"));
        harness.emit(Events.finish(id, 18, Usage.of(3, 5, 0)));

        HttpResponse<String> response = pending.get(10, TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(502);
        JsonNode error = JsonCodec.mapper().readTree(response.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("server_error");
        assertThat(error.path("code").asText()).isEqualTo("answer_incomplete");
    }

    @Test
    void shouldEndAStreamThatFailsMidwayWithAnErrorEventThenDone() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/v1/chat/completions", CHAT_STREAM);
        String id = harness.bus.nextJob().job().id();
        harness.emit(Events.chunk(id, 0, "Hi"));
        harness.emit(Events.error(id, ErrorCode.RUNTIME_ERROR, "NPU fault"));

        HttpResponse<String> response = pending.get(10, TimeUnit.SECONDS);
        List<SseFrame> frames = SseFrame.parse(response.body());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(frames).hasSize(4);
        assertThat(frames.get(2).json().at("/error/code").asText()).isEqualTo("runtime_error");
        assertThat(frames.get(2).json().at("/error/message").asText()).isEqualTo("NPU fault");
        assertThat(frames.get(3).isDone()).isTrue();
    }

    @Test
    void shouldAnswerAWorkerErrorBeforeTheFirstTokenWithItsHttpStatus() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/v1/chat/completions", CHAT_STREAM);
        String id = harness.bus.nextJob().job().id();
        harness.emit(Events.started(id));
        harness.emit(Events.error(id, ErrorCode.INVALID_REQUEST, "prompt longer than the context"));

        HttpResponse<String> response = pending.get(10, TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JsonCodec.mapper().readTree(response.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_request");
        assertThat(error.path("message").asText()).isEqualTo("prompt longer than the context");
    }

    @Test
    void shouldAnswer504AndCancelTheJobWhenNoAnswerComesInTime() throws Exception {
        try (HttpHarness impatient = new HttpHarness(Map.of("NPUFLEET_REQUEST_TIMEOUT_MS", "300"))) {
            CompletableFuture<HttpResponse<String>> pending = impatient.postAsync("/v1/chat/completions", CHAT);
            String id = impatient.bus.nextJob().job().id();

            HttpResponse<String> response = pending.get(10, TimeUnit.SECONDS);

            assertThat(response.statusCode()).isEqualTo(504);
            assertThat(JsonCodec.mapper().readTree(response.body()).at("/error/code").asText()).isEqualTo("timeout");
            assertThat(impatient.bus.cancels).containsExactly(id + ":timeout");
            assertThat(impatient.pending.isPending(id)).isFalse();
        }
    }

    @Test
    void shouldEndAStartedStreamThatTimesOutWithAnErrorEventAndCancelIt() throws Exception {
        try (HttpHarness impatient = new HttpHarness(Map.of("NPUFLEET_REQUEST_TIMEOUT_MS", "500"))) {
            CompletableFuture<HttpResponse<String>> pending = impatient.postAsync("/v1/chat/completions", CHAT_STREAM);
            String id = impatient.bus.nextJob().job().id();
            impatient.emit(Events.chunk(id, 0, "Thinking"));

            List<SseFrame> frames = SseFrame.parse(pending.get(10, TimeUnit.SECONDS).body());

            assertThat(frames.get(1).text()).isEqualTo("Thinking");
            assertThat(frames.get(frames.size() - 2).json().at("/error/code").asText()).isEqualTo("timeout");
            assertThat(frames.get(frames.size() - 1).isDone()).isTrue();
            assertThat(impatient.bus.cancels).containsExactly(id + ":timeout");
        }
    }

    @Test
    void shouldCancelTheJobWhenTheClientDisconnectsMidStream() throws Exception {
        String id;
        try (RawClient client = RawClient.post(harness.port(), "/v1/chat/completions", CHAT_STREAM)) {
            id = harness.bus.nextJob().job().id();
            harness.emit(Events.chunk(id, 0, "Once"));
            client.readUntil("Once");
        }

        // the worker goes on producing until it hears of the cancel
        long[] seq = {4};
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            harness.emit(Events.chunk(id, seq[0]++, "."));
            return !harness.bus.cancels.isEmpty();
        });
        assertThat(harness.bus.cancels).containsExactly(id + ":client disconnected");
        assertThat(harness.pending.isPending(id)).isFalse();
    }

    @Test
    void shouldCancelANonStreamedJobWhenTheClientHangsUpBeforeItsAnswer() throws Exception {
        String id;
        try (RawClient client = RawClient.post(harness.port(), "/v1/chat/completions", CHAT)) {
            id = harness.bus.nextJob().job().id();
        }

        // nothing is written to a non-streamed client before its answer: the gateway notices the hang-up itself
        await().atMost(Duration.ofSeconds(10)).until(() -> !harness.bus.cancels.isEmpty());
        assertThat(harness.bus.cancels).containsExactly(id + ":client disconnected");
        assertThat(harness.pending.isPending(id)).isFalse();
    }

    @Test
    void shouldAnswerNonStreamedRequestsOneAfterAnotherOnOneKeptAliveConnection() throws Exception {
        try (RawClient client = RawClient.post(harness.port(), "/v1/chat/completions", CHAT)) {
            for (String text : List.of("first", "second", "third")) {
                if (!text.equals("first")) {
                    client.send("/v1/chat/completions", CHAT);
                }
                String id = harness.bus.nextJob().job().id();
                harness.emit(Events.chunk(id, 0, text));
                harness.emit(Events.finish(id, text.length(), Usage.of(1, 1, 0)));
                assertThat(client.readUntil("\"content\":\"" + text + "\"")).startsWith("HTTP/1.1 200");
            }
        }
        assertThat(harness.bus.cancels).isEmpty();
    }

    @Test
    void shouldKeepAWaitingStreamAliveAndCancelItsJobWhenTheClientLeavesBeforeTheFirstToken() throws Exception {
        try (HttpHarness quick = new HttpHarness(Map.of("NPUFLEET_SSE_KEEPALIVE_MS", "200"))) {
            String id;
            try (RawClient client = RawClient.post(quick.port(), "/v1/chat/completions", CHAT_STREAM)) {
                id = quick.bus.nextJob().job().id();
                String received = client.readUntil(": keep-alive");
                assertThat(received).startsWith("HTTP/1.1 200").contains("\"role\":\"assistant\"");
            }

            // no event arrives: the next keep-alive write finds the client gone
            await().atMost(Duration.ofSeconds(10)).until(() -> !quick.bus.cancels.isEmpty());
            assertThat(quick.bus.cancels).containsExactly(id + ":client disconnected");
        }
    }

    @Test
    void shouldRelayTextAfterKeepAlivesAndEndInAnErrorEventOnceCommitted() throws Exception {
        try (HttpHarness quick = new HttpHarness(Map.of("NPUFLEET_SSE_KEEPALIVE_MS", "100"))) {
            CompletableFuture<HttpResponse<String>> pending = quick.postAsync("/v1/chat/completions", CHAT_STREAM);
            String id = quick.bus.nextJob().job().id();
            await().atMost(Duration.ofSeconds(10)).until(() -> quick.metrics.openStreams() == 1);
            quick.emit(Events.chunk(id, 0, "late"));
            quick.emit(Events.error(id, ErrorCode.INVALID_REQUEST, "too long"));

            HttpResponse<String> response = pending.get(10, TimeUnit.SECONDS);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains(": keep-alive\n\n");
            List<SseFrame> frames = SseFrame.parse(response.body());
            assertThat(frames.get(1).text()).isEqualTo("late");
            assertThat(frames.get(2).json().at("/error/code").asText()).isEqualTo("invalid_request");
            assertThat(frames.get(3).isDone()).isTrue();
        }
    }

    @Test
    void shouldAnswer503WithoutPublishingWhileTheEventsTopicIsNotBeingRead() throws Exception {
        harness.eventsReady.set(false);

        HttpResponse<String> response = harness.send("POST", "/v1/chat/completions", CHAT);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(JsonCodec.mapper().readTree(response.body()).at("/error/code").asText())
                .isEqualTo("broker_unavailable");
        assertThat(harness.bus.jobs).isEmpty();
    }

    @Test
    void shouldAnswer503WhenTheJobCannotBePublished() throws Exception {
        harness.bus.failure = new org.apache.kafka.common.errors.TimeoutException("Topic not present in metadata");

        HttpResponse<String> response = harness.send("POST", "/v1/chat/completions", CHAT_STREAM);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(harness.pending.size()).isZero();
    }

    @Test
    void shouldCountRequestsAndTimeToFirstTokenInTheMetrics() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/v1/chat/completions", CHAT_STREAM);
        String id = harness.bus.nextJob().job().id();
        harness.emit(Events.chunk(id, 0, "x"));
        harness.emit(Events.finish(id, 1, Usage.of(1, 1, 0)));
        pending.get(10, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(harness.metrics.scrape())
                .contains("gateway_http_requests_total{endpoint=\"chat_completions\",status=\"200\"} 1.0")
                .contains("gateway_ttft_seconds_count{model=\"test-model\"} 1")
                .contains("gateway_tokens_relayed_total{model=\"test-model\"} 1.0")
                .contains("gateway_streams_open 0.0"));
        String metrics = harness.get("/metrics").body();
        assertThat(metrics.lines().filter(l -> l.startsWith("gateway_job_duration_seconds_count"))
                .collect(Collectors.joining())).contains("outcome=\"finished\"");
    }
}
