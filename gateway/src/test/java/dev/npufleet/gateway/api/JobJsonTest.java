package dev.npufleet.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.gateway.jobs.JobProgress;
import dev.npufleet.gateway.jobs.JobSnapshot;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.ErrorInfo;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.JobAccepted;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Usage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobJsonTest {
    private final String id = JobIds.newId();
    private final JobAccepted chat = new JobAccepted("/v1/chat/completions", "qwen", "coding", Map.of("team", "a"),
            1_700_000_000_500L, 1_700_086_400_500L);

    private JobSnapshot fold(JobAccepted accepted, Event... events) {
        JobProgress progress = new JobProgress(id);
        progress.accept(Event.accepted(id, accepted));
        List.of(events).forEach(progress::accept);
        return progress.snapshot();
    }

    @Test
    void shouldDescribeAQueuedJob() {
        JsonNode o = JobJson.job(fold(chat));

        assertThat(o.path("id").asText()).isEqualTo(id);
        assertThat(o.path("object").asText()).isEqualTo("job");
        assertThat(o.path("endpoint").asText()).isEqualTo("/v1/chat/completions");
        assertThat(o.path("model").asText()).isEqualTo("qwen");
        assertThat(o.path("status").asText()).isEqualTo("queued");
        assertThat(o.path("created_at").asLong()).isEqualTo(1_700_000_000L);
        assertThat(o.path("expires_at").asLong()).isEqualTo(1_700_086_400L);
        assertThat(o.path("metadata").path("team").asText()).isEqualTo("a");
        assertThat(o.has("response")).isFalse();
        assertThat(o.has("error")).isFalse();
    }

    @Test
    void shouldAnswerACompletedJobWithExactlyTheSynchronousBody() throws Exception {
        Usage usage = new Usage(9, 3, 12, 4, true);
        JobSnapshot job = fold(chat, Event.started(id, "b1", 1, null), Event.chunk(id, "b1", 1, 0, "Hello"),
                Event.chunk(id, "b1", 1, 0, "Hello"), Event.chunk(id, "b1", 1, 5, ", board"),
                Event.finish(id, "b1", 1, 12, "length", usage, null, null));
        byte[] sync = CompletionFormat.of(JobKind.CHAT, id, "qwen", chat.createdAt(), "coding")
                .completion("Hello, board", "length", usage);

        JsonNode o = JobJson.job(job);

        assertThat(o.path("status").asText()).isEqualTo("completed");
        assertThat(o.path("worker").asText()).isEqualTo("b1");
        assertThat(o.has("completed_at")).isTrue();
        assertThat(o.path("response")).isEqualTo(JsonCodec.mapper().readTree(sync));
        assertThat(o.at("/response/usage/cached_prompts/0").asText()).isEqualTo("coding");
    }

    @Test
    void shouldAnswerACompletionJobAsATextCompletion() {
        JobAccepted completion = new JobAccepted("/v1/completions", "qwen", null, Map.of(), 1_000, 0);
        JobSnapshot job = fold(completion, Event.chunk(id, "b1", 1, 0, " a time"),
                Event.finish(id, "b1", 1, 7, "stop", Usage.of(2, 2, 0), null, null));

        JsonNode o = JobJson.job(job);

        assertThat(o.at("/response/object").asText()).isEqualTo("text_completion");
        assertThat(o.at("/response/id").asText()).isEqualTo("cmpl-" + id);
        assertThat(o.at("/response/choices/0/text").asText()).isEqualTo(" a time");
        assertThat(o.path("expires_at").isNull()).isTrue();
    }

    @Test
    void shouldCarryAnOpenAiShapedErrorForAFailedJob() {
        JobSnapshot job = fold(chat, Event.error(id, "b1", 1, ErrorInfo.of(ErrorCode.CACHE_NOT_FOUND, "no such cache")));

        JsonNode o = JobJson.job(job);

        assertThat(o.path("status").asText()).isEqualTo("failed");
        assertThat(o.at("/error/code").asText()).isEqualTo("cache_not_found");
        assertThat(o.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(o.at("/error/message").asText()).isEqualTo("no such cache");
        assertThat(o.has("failed_at")).isTrue();
        assertThat(o.has("response")).isFalse();
    }

    @Test
    void shouldShowACancelledJobWithWhatItHadWritten() {
        JobSnapshot job = fold(chat, Event.chunk(id, "b1", 1, 0, "Hal"),
                Event.finish(id, "b1", 1, 3, "cancelled", Usage.of(2, 1, 0), null, null));

        JsonNode o = JobJson.job(job);

        assertThat(o.path("status").asText()).isEqualTo("cancelled");
        // OpenAI has no finish_reason for a cancel: the answer did not finish
        assertThat(o.at("/response/choices/0/finish_reason").isNull()).isTrue();
        assertThat(o.at("/response/choices/0/message/content").asText()).isEqualTo("Hal");
    }

    @Test
    void shouldReportCancellingToACancelOfARunningJob() {
        JsonNode o = JobJson.cancelling(fold(chat, Event.started(id, "b1", 1, null)));

        assertThat(o.path("status").asText()).isEqualTo("cancelling");
        assertThat(o.path("output_chars").asInt()).isZero();
    }
}
