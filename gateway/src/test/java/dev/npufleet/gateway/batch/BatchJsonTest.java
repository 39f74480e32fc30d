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
    private final String a = JobIds.newId();
    private final String b = JobIds.newId();
    private final String c = JobIds.newId();
    private final BatchRecord batch = new BatchRecord(1, BatchIds.newBatchId(), "/v1/chat/completions",
            BatchIds.newFileId(), "24h", 1_700_000_000_000L, Map.of("k", "v"),
            List.of(new BatchRecord.Request("req-a", a), new BatchRecord.Request("req-b", b),
                    new BatchRecord.Request("req-c", c)), 0);
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

        BatchState state = BatchState.of(batch, jobs);
        JsonNode o = BatchJson.batch(batch, state, 2_000_000_000_000L);

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

        BatchState state = BatchState.of(batch, jobs);
        JsonNode o = BatchJson.batch(batch, state, 0);
        String[] output = new String(BatchJson.lines(batch, jobs, BatchIds.Kind.OUTPUT), StandardCharsets.UTF_8)
                .split("\n");
        String[] errors = new String(BatchJson.lines(batch, jobs, BatchIds.Kind.ERRORS), StandardCharsets.UTF_8)
                .split("\n");

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

        assertThat(BatchState.of(cancelled, jobs).status()).isEqualTo(BatchState.Status.CANCELLING);
        job(c, finish(c, "", "cancelled"));
        BatchState state = BatchState.of(cancelled, jobs);
        JsonNode o = BatchJson.batch(cancelled, state, 0);

        assertThat(state.status()).isEqualTo(BatchState.Status.CANCELLED);
        assertThat(o.at("/request_counts/completed").asInt()).isEqualTo(1);
        assertThat(o.at("/request_counts/failed").asInt()).isEqualTo(2);
        assertThat(o.path("cancelling_at").asLong()).isEqualTo(1_700_000_100L);
        assertThat(new String(BatchJson.lines(cancelled, jobs, BatchIds.Kind.ERRORS), StandardCharsets.UTF_8))
                .contains("\"code\":\"batch_cancelled\"");
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
