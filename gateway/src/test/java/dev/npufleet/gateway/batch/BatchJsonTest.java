package dev.npufleet.gateway.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.gateway.jobs.JobProgress;
import dev.npufleet.gateway.jobs.JobSnapshot;
import dev.npufleet.protocol.BatchRecord;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.ErrorInfo;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.JobAccepted;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Usage;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchJsonTest {
    /** A window that no test reaches: events carry the real clock's time. */
    private static final long FAR = 4_000_000_000_000L;
    private static final long NOW = System.currentTimeMillis();
    private static final long WINDOW_END = NOW + 60_000;

    private final String a = JobIds.newId();
    private final String b = JobIds.newId();
    private final String c = JobIds.newId();
    private final BatchRecord batch = new BatchRecord(1, BatchIds.newBatchId(), "/v1/chat/completions",
            BatchIds.newFileId(), "24h", 1_700_000_000_000L, Map.of("k", "v"),
            List.of(new BatchRecord.Request("req-a", a), new BatchRecord.Request("req-b", b),
                    new BatchRecord.Request("req-c", c)), 0, 0);
    private final Map<String, JobSnapshot> jobs = new HashMap<>();

    private void job(String id, Event... events) {
        JobProgress p = new JobProgress(id);
        p.accept(Event.accepted(id, new JobAccepted("/v1/chat/completions", "m", null, Map.of(), 1_000, 0)));
        List.of(events).forEach(p::accept);
        jobs.put(id, p.snapshot());
    }

    private Event finish(String id, String text, String reason) {
        return Event.finish(id, "b1", 1, text.length(), reason, Usage.of(1, 1, 0), null, null);
    }

    @Test
    void shouldBeInProgressUntilEveryJobEnded() {
        job(a, Event.chunk(a, "b1", 1, 0, "A"), finish(a, "A", "stop"));
        job(b, Event.started(b, "b1", 1, null));
        job(c);

        BatchState state = BatchState.of(batch, jobs, FAR, NOW);
        JsonNode o = BatchJson.batch(batch, state);

        assertThat(state.status()).isEqualTo(BatchState.Status.IN_PROGRESS);
        assertThat(o.path("status").asText()).isEqualTo("in_progress");
        assertThat(o.at("/request_counts/total").asInt()).isEqualTo(3);
        assertThat(o.at("/request_counts/completed").asInt()).isEqualTo(1);
        assertThat(o.at("/request_counts/failed").asInt()).isZero();
        assertThat(o.path("output_file_id").isNull()).isTrue();
        assertThat(o.path("object").asText()).isEqualTo("batch");
        assertThat(o.path("metadata").path("k").asText()).isEqualTo("v");
    }

    @Test
    void shouldCompleteWithAnOutputAndAnErrorFileInInputOrder() throws Exception {
        job(c, Event.chunk(c, "b1", 1, 0, "C"), finish(c, "C", "stop"));
        job(a, Event.chunk(a, "b1", 1, 0, "A"), Event.chunk(a, "b1", 1, 0, "A"), finish(a, "A", "stop"));
        job(b, Event.error(b, "b1", 1, ErrorInfo.of(ErrorCode.RUNTIME_ERROR, "NPU lost")));

        BatchState state = BatchState.of(batch, jobs, FAR, NOW);
        JsonNode o = BatchJson.batch(batch, state);
        String[] output = lines(state, BatchIds.Kind.OUTPUT);
        String[] errors = lines(state, BatchIds.Kind.ERRORS);

        assertThat(o.path("status").asText()).isEqualTo("completed");
        assertThat(o.path("output_file_id").asText()).isEqualTo("file-" + batch.id() + "-output");
        assertThat(o.path("error_file_id").asText()).isEqualTo("file-" + batch.id() + "-errors");
        assertThat(o.path("completed_at").isNumber()).isTrue();
        assertThat(output).hasSize(2);
        JsonNode first = JsonCodec.mapper().readTree(output[0]);
        assertThat(first.path("custom_id").asText()).isEqualTo("req-a");
        assertThat(first.path("id").asText()).isEqualTo("batch_req_" + a);
        assertThat(first.at("/response/status_code").asInt()).isEqualTo(200);
        assertThat(first.at("/response/request_id").asText()).isEqualTo(a);
        assertThat(first.at("/response/body/choices/0/message/content").asText()).isEqualTo("A");
        assertThat(first.path("error").isNull()).isTrue();
        assertThat(JsonCodec.mapper().readTree(output[1]).path("custom_id").asText()).isEqualTo("req-c");
        JsonNode error = JsonCodec.mapper().readTree(errors[0]);
        assertThat(errors).hasSize(1);
        assertThat(error.path("custom_id").asText()).isEqualTo("req-b");
        assertThat(error.path("response").isNull()).isTrue();
        assertThat(error.at("/error/code").asText()).isEqualTo("runtime_error");
        assertThat(error.at("/error/message").asText()).isEqualTo("NPU lost");
    }

    @Test
    void shouldBeCancellingThenCancelledAfterACancel() {
        BatchRecord cancelled = batch.cancelled(1_700_000_100_000L);
        job(a, Event.chunk(a, "b1", 1, 0, "A"), finish(a, "A", "stop"));
        job(b, finish(b, "", "cancelled"));
        job(c, Event.started(c, "b1", 1, null));

        assertThat(BatchState.of(cancelled, jobs, FAR, NOW).status()).isEqualTo(BatchState.Status.CANCELLING);
        job(c, finish(c, "", "cancelled"));
        BatchState state = BatchState.of(cancelled, jobs, FAR, NOW);
        JsonNode o = BatchJson.batch(cancelled, state);

        assertThat(state.status()).isEqualTo(BatchState.Status.CANCELLED);
        assertThat(o.at("/request_counts/completed").asInt()).isEqualTo(1);
        assertThat(o.at("/request_counts/failed").asInt()).isEqualTo(2);
        assertThat(o.path("cancelling_at").asLong()).isEqualTo(1_700_000_100L);
        assertThat(new String(BatchJson.lines(cancelled, jobs, state, BatchIds.Kind.ERRORS), StandardCharsets.UTF_8))
                .contains("\"code\":\"batch_cancelled\"");
    }

    @Test
    void shouldExpireWhenTheWindowEndsBeforeEveryRequestIsDone() throws Exception {
        // Given a batch whose window ends at WINDOW_END: one request done in time, one running, one never taken
        job(a, Event.chunk(a, "b1", 1, 0, "A"), finish(a, "A", "stop"));
        job(b, Event.started(b, "b1", 1, null));
        job(c);
        assertThat(BatchState.of(batch, jobs, WINDOW_END, WINDOW_END - 1).status())
                .isEqualTo(BatchState.Status.IN_PROGRESS);

        // When the window has ended
        BatchState state = BatchState.of(batch, jobs, WINDOW_END, WINDOW_END);
        JsonNode o = BatchJson.batch(batch, state);

        // Then the batch is expired: the done request in the output file, the others in the error file
        assertThat(o.path("status").asText()).isEqualTo("expired");
        assertThat(o.path("expired_at").asLong()).isEqualTo(WINDOW_END / 1000);
        assertThat(o.path("completed_at").isNull()).isTrue();
        assertThat(o.at("/request_counts/completed").asInt()).isEqualTo(1);
        assertThat(o.at("/request_counts/failed").asInt()).isEqualTo(2);
        assertThat(o.path("output_file_id").asText()).endsWith("-output");
        assertThat(o.path("error_file_id").asText()).endsWith("-errors");
        assertThat(lines(state, BatchIds.Kind.OUTPUT)).singleElement().asString().contains("\"custom_id\":\"req-a\"");
        String[] errors = lines(state, BatchIds.Kind.ERRORS);
        assertThat(errors).hasSize(2);
        for (String line : errors) {
            assertThat(JsonCodec.mapper().readTree(line).at("/error/code").asText()).isEqualTo("batch_expired");
        }
    }

    @Test
    void shouldKeepAnExpiredBatchAsItWasWhenARequestEndsAfterTheWindow() {
        // Given requests that ended in time, and one that finished after the window (it was running then)
        job(a, Event.chunk(a, "b1", 1, 0, "A"), at(finish(a, "A", "stop"), WINDOW_END - 1_000));
        job(b, at(Event.error(b, "b1", 1, ErrorInfo.of(ErrorCode.RUNTIME_ERROR, "NPU lost")), WINDOW_END - 500));
        job(c, Event.chunk(c, "b1", 1, 0, "C"), at(finish(c, "C", "stop"), WINDOW_END + 1_000));

        BatchState state = BatchState.of(batch, jobs, WINDOW_END, WINDOW_END + 2_000);

        // Then it is expired, and the late answer is not in the output file
        assertThat(state.status()).isEqualTo(BatchState.Status.EXPIRED);
        assertThat(state.completed()).isEqualTo(1);
        assertThat(state.failed()).isEqualTo(2);
        assertThat(state.outcome(jobs.get(b))).isEqualTo(BatchState.Outcome.FAILED);
        assertThat(state.outcome(jobs.get(c))).isEqualTo(BatchState.Outcome.EXPIRED);
        assertThat(lines(state, BatchIds.Kind.OUTPUT)).hasSize(1);
    }

    @Test
    void shouldCompleteABatchDoneInTimeEvenWhenAskedAfterItsWindow() {
        job(a, Event.chunk(a, "b1", 1, 0, "A"), finish(a, "A", "stop"));
        job(b, Event.chunk(b, "b1", 1, 0, "B"), finish(b, "B", "stop"));
        job(c, Event.error(c, "b1", 1, ErrorInfo.of(ErrorCode.RUNTIME_ERROR, "NPU lost")));

        BatchState state = BatchState.of(batch, jobs, FAR, FAR + 86_400_000L);

        assertThat(state.status()).isEqualTo(BatchState.Status.COMPLETED);
        assertThat(state.failed()).isEqualTo(1);
    }

    /** The event as if it had happened at {@code timestamp}. */
    private static Event at(Event e, long timestamp) {
        return new Event(e.v(), e.jobId(), e.type(), e.seq(), e.worker(), e.attempt(), e.text(), e.finishReason(),
                e.usage(), e.timings(), e.error(), e.cacheBuild(), timestamp, e.accepted(), e.tokens(), e.opensThinking(),
                e.embeddings());
    }

    private String[] lines(BatchState state, BatchIds.Kind kind) {
        return new String(BatchJson.lines(batch, jobs, state, kind), StandardCharsets.UTF_8).split("\n");
    }

    @Test
    void shouldTellVirtualFileIdsFromStoredOnes() {
        String file = BatchIds.newFileId();

        assertThat(BatchIds.isFileId(file)).isTrue();
        assertThat(BatchIds.virtual(file)).isEmpty();
        assertThat(BatchIds.virtual(BatchIds.outputFileId(batch.id())))
                .hasValue(new BatchIds.Virtual(batch.id(), BatchIds.Kind.OUTPUT));
        assertThat(BatchIds.virtual(BatchIds.errorFileId(batch.id())))
                .hasValue(new BatchIds.Virtual(batch.id(), BatchIds.Kind.ERRORS));
        assertThat(BatchIds.virtual("file-batch_nope-output")).isEmpty();
        assertThat(BatchIds.isBatchId(batch.id())).isTrue();
        assertThat(BatchIds.timestampMillis(file)).isCloseTo(System.currentTimeMillis(),
                org.assertj.core.data.Offset.offset(5_000L));
        assertThat(BatchIds.timestampMillis(batch.id())).isEqualTo(JobIds.timestampMillis(batch.id().substring(6)));
    }
}
