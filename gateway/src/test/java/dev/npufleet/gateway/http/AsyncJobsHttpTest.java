package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobAccepted;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Usage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /v1/jobs} through the real HTTP layer, over an in-memory bus and events log; the test plays the worker. */
class AsyncJobsHttpTest {
    private static final String CHAT_BODY = """
            {"model":"test-model","max_tokens":16,"use_cache":null,"messages":[{"role":"user","content":"Hi"}]}""";
    private static final String JOB = "{\"endpoint\":\"/v1/chat/completions\",\"metadata\":{\"run\":\"7\"},\"body\":"
            + CHAT_BODY + "}";

    private HttpHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new HttpHarness(Map.of("NPUFLEET_JOB_TTL", "2h"));
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JsonCodec.mapper().readTree(response.body());
    }

    private Job submit() throws Exception {
        HttpResponse<String> response = harness.send("POST", "/v1/jobs", JOB);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return harness.bus.nextJob().job();
    }

    private void answer(Job job, String reason) {
        harness.publish(Events.started(job.id()));
        harness.publish(Events.chunk(job.id(), 0, "Hello"));
        harness.publish(Events.chunk(job.id(), 0, "Hello")); // a re-run's repeat
        harness.publish(Events.chunk(job.id(), 5, ", board"));
        harness.publish(Event.finish(job.id(), Events.BOARD, 1, 12, reason, new Usage(9, 3, 12, 4, true), null, null));
    }

    @Test
    void shouldAcceptAJobWith202AfterPublishingItAndThenItsAcceptedEvent() throws Exception {
        HttpResponse<String> response = harness.send("POST", "/v1/jobs", JOB);

        Job job = harness.bus.nextJob().job();
        JsonNode body = json(response);
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("location")).hasValue("/v1/jobs/" + job.id());
        assertThat(body.path("id").asText()).isEqualTo(job.id());
        assertThat(body.path("object").asText()).isEqualTo("job");
        assertThat(body.path("status").asText()).isEqualTo("queued");
        assertThat(body.path("endpoint").asText()).isEqualTo("/v1/chat/completions");
        assertThat(body.path("model").asText()).isEqualTo(HttpHarness.MODEL);
        assertThat(body.path("metadata").path("run").asText()).isEqualTo("7");
        assertThat(job.deadline() - job.createdAt()).as("the job TTL, not the request timeout")
                .isEqualTo(Duration.ofHours(2).toMillis());
        assertThat(job.params().maxTokens()).isEqualTo(16);
        assertThat(harness.bus.events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.ACCEPTED);
            assertThat(e.jobId()).isEqualTo(job.id());
            assertThat(e.accepted().createdAt()).isEqualTo(job.createdAt());
            assertThat(e.accepted().metadata()).containsEntry("run", "7");
        });
    }

    @Test
    void shouldReportQueuedThenInProgressThenTheSynchronousBodyWhenCompleted() throws Exception {
        Job job = submit();
        assertThat(json(harness.get("/v1/jobs/" + job.id())).path("status").asText()).isEqualTo("queued");
        harness.publish(Events.started(job.id()));
        assertThat(json(harness.get("/v1/jobs/" + job.id())).path("status").asText()).isEqualTo("in_progress");

        answer(job, "stop");
        HttpResponse<String> polled = harness.get("/v1/jobs/" + job.id());
        CompletableFuture<HttpResponse<String>> sync = harness.postAsync("/v1/chat/completions", CHAT_BODY);
        Job syncJob = harness.bus.nextJob().job();
        answer(syncJob, "stop");

        JsonNode body = json(polled);
        assertThat(polled.statusCode()).isEqualTo(200);
        assertThat(body.path("status").asText()).isEqualTo("completed");
        ObjectNode response = (ObjectNode) body.path("response");
        ObjectNode expected = (ObjectNode) json(sync.get(10, TimeUnit.SECONDS));
        assertThat(response.path("id").asText()).isEqualTo("chatcmpl-" + job.id());
        assertThat(response.remove(java.util.List.of("id", "created")))
                .isEqualTo(expected.remove(java.util.List.of("id", "created")));
        assertThat(response.at("/choices/0/message/content").asText()).isEqualTo("Hello, board");
    }

    @Test
    void shouldReportAFailedJobWithTheMappedError() throws Exception {
        Job job = submit();
        harness.publish(Events.error(job.id(), ErrorCode.DEADLINE_EXCEEDED, "not started in time"));

        JsonNode body = json(harness.get("/v1/jobs/" + job.id()));

        assertThat(body.path("status").asText()).isEqualTo("failed");
        assertThat(body.at("/error/code").asText()).isEqualTo("deadline_exceeded");
        assertThat(body.at("/error/type").asText()).isEqualTo("server_error");
    }

    @Test
    void shouldWaitForTheAcceptedOfAJustCreatedJobBeforeAnswering404() throws Exception {
        // an interactive job's ACCEPTED is written at its first text: a client resuming at once may be ahead of it
        try (HttpHarness slow = new HttpHarness(Map.of("NPUFLEET_ACCEPTED_DELAY_MS", "60000"))) {
            String id = JobIds.newId();
            CompletableFuture<HttpResponse<String>> lookup = slow.client().sendAsync(
                    slow.request("GET", "/v1/jobs/" + id, null), HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(30)).until(() -> slow.jobLog.reads.get() >= 2); // unknown, read again

            slow.jobLog.append(Event.accepted(id, new JobAccepted("/v1/chat/completions", HttpHarness.MODEL, null,
                    null, JobIds.timestampMillis(id), 0, null)));

            HttpResponse<String> found = lookup.get(30, TimeUnit.SECONDS);
            assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
            assertThat(JsonCodec.mapper().readTree(found.body()).path("status").asText()).isEqualTo("queued");
        }
    }

    @Test
    void shouldAnswer404AtOnceForAnUnknownIdOlderThanTheAcceptedWindow() throws Exception {
        HttpResponse<String> old = harness.get("/v1/jobs/00000001-0000-7000-8000-000000000000"); // 1970

        assertThat(old.statusCode()).isEqualTo(404);
        assertThat(harness.jobLog.reads.get()).isEqualTo(1);
    }

    @Test
    void shouldAnswer404ForAJobIdTheLogDoesNotKnow() throws Exception {
        HttpResponse<String> unknown = harness.get("/v1/jobs/" + JobIds.newId());
        HttpResponse<String> malformed = harness.get("/v1/jobs/not-a-job");
        HttpResponse<String> cancelUnknown = harness.send("POST", "/v1/jobs/" + JobIds.newId() + "/cancel", null);

        for (HttpResponse<String> r : java.util.List.of(unknown, malformed, cancelUnknown)) {
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(json(r).at("/error/code").asText()).isEqualTo("not_found");
            assertThat(json(r).at("/error/type").asText()).isEqualTo("invalid_request_error");
        }
    }

    @Test
    void shouldRefuseABadBodyAndPublishNothing() throws Exception {
        HttpResponse<String> streamed = harness.send("POST", "/v1/jobs", "{\"endpoint\":\"/v1/completions\","
                + "\"body\":{\"model\":\"test-model\",\"prompt\":\"x\",\"stream\":true}}");
        HttpResponse<String> invalid = harness.send("POST", "/v1/jobs", "{\"endpoint\":\"/v1/chat/completions\","
                + "\"body\":{\"model\":\"test-model\",\"messages\":[],\"temperature\":9}}");
        HttpResponse<String> unknownModel = harness.send("POST", "/v1/jobs", "{\"endpoint\":\"/v1/completions\","
                + "\"body\":{\"model\":\"nope\",\"prompt\":\"x\"}}");

        assertThat(streamed.statusCode()).isEqualTo(400);
        assertThat(json(streamed).at("/error/param").asText()).isEqualTo("body.stream");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json(invalid).at("/error/param").asText()).isEqualTo("body.messages");
        assertThat(unknownModel.statusCode()).isEqualTo(404);
        assertThat(json(unknownModel).at("/error/code").asText()).isEqualTo("model_not_found");
        assertThat(harness.bus.jobs).isEmpty();
        assertThat(harness.bus.events).isEmpty();
    }

    @Test
    void shouldAnswer503AndCancelTheJobWhenItsAcceptedEventCannotBePublished() throws Exception {
        harness.bus.eventFailure = new TimeoutException("broker gone");

        HttpResponse<String> response = harness.send("POST", "/v1/jobs", JOB);

        Job job = harness.bus.nextJob().job();
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response).at("/error/code").asText()).isEqualTo("broker_unavailable");
        assertThat(harness.bus.cancels).containsExactly(job.id() + ":accepting the job failed");
        assertThat(harness.pending.size()).as("nothing left waiting for the job").isZero();
    }

    @Test
    void shouldAnswer503WhenTheJobCannotBePublished() throws Exception {
        harness.bus.failure = new TimeoutException("broker gone");

        HttpResponse<String> response = harness.send("POST", "/v1/jobs", JOB);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(harness.bus.events).isEmpty();
        assertThat(harness.pending.size()).isZero();
    }

    @Test
    void shouldFollowTheJobForTheRouterUntilItEnds() throws Exception {
        Job job = submit();
        assertThat(harness.pending.isPending(job.id())).isTrue();

        answer(job, "stop");

        assertThat(harness.pending.isPending(job.id())).isFalse();
    }

    @Test
    void shouldPublishACancelForARunningJobAndReportCancelling() throws Exception {
        Job job = submit();
        harness.publish(Events.started(job.id()));

        HttpResponse<String> response = harness.send("POST", "/v1/jobs/" + job.id() + "/cancel", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("status").asText()).isEqualTo("cancelling");
        assertThat(harness.bus.cancels).containsExactly(job.id() + ":cancelled by client");
        harness.publish(Event.finish(job.id(), Events.BOARD, 1, 0, "cancelled", Usage.of(1, 0, 0), null, null));
        assertThat(json(harness.get("/v1/jobs/" + job.id())).path("status").asText()).isEqualTo("cancelled");
        HttpResponse<String> again = harness.send("POST", "/v1/jobs/" + job.id() + "/cancel", null);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).path("status").asText()).isEqualTo("cancelled");
        assertThat(harness.bus.cancels).hasSize(1);
    }

    @Test
    void shouldRefuseToCancelACompletedJob() throws Exception {
        Job job = submit();
        answer(job, "stop");

        HttpResponse<String> response = harness.send("POST", "/v1/jobs/" + job.id() + "/cancel", null);

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(json(response).at("/error/code").asText()).isEqualTo("job_not_cancellable");
        assertThat(harness.bus.cancels).isEmpty();
    }

    @Test
    void shouldHoldAWaitingPollUntilTheJobEnds() throws Exception {
        Job job = submit();
        HttpRequestTimer timer = new HttpRequestTimer();
        CompletableFuture<HttpResponse<String>> waiting = harness.client()
                .sendAsync(harness.request("GET", "/v1/jobs/" + job.id() + "?wait=20", null),
                        HttpResponse.BodyHandlers.ofString());
        // the poll has seen the job queued and holds on
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.jobLog.reads.get() >= 2);
        assertThat(waiting).isNotDone();

        answer(job, "stop");
        HttpResponse<String> response = waiting.get(20, TimeUnit.SECONDS);

        assertThat(json(response).path("status").asText()).isEqualTo("completed");
        assertThat(timer.elapsed()).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void shouldAnswerAPollWithoutWaitAtOnceAndRefuseABadWait() throws Exception {
        Job job = submit();

        HttpResponse<String> now = harness.get("/v1/jobs/" + job.id() + "?wait=0");
        HttpResponse<String> bad = harness.get("/v1/jobs/" + job.id() + "?wait=soon");

        assertThat(json(now).path("status").asText()).isEqualTo("queued");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).at("/error/param").asText()).isEqualTo("wait");
    }

    @Test
    void shouldAnswer503WhenTheLogCannotBeRead() throws Exception {
        Job job = submit();
        harness.jobLog.failure = new TimeoutException("no events");

        HttpResponse<String> response = harness.get("/v1/jobs/" + job.id());

        assertThat(response.statusCode()).isEqualTo(503);
    }

    /** Wall time since construction. */
    private static final class HttpRequestTimer {
        private final long start = System.nanoTime();

        Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }
}
