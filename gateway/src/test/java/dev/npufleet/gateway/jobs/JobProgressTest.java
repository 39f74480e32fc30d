package dev.npufleet.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.ErrorInfo;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.JobAccepted;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.Usage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobProgressTest {
    private final String id = JobIds.newId();

    private Event accepted() {
        return Event.accepted(id, new JobAccepted("/v1/chat/completions", "m", null, Map.of("k", "v"), 1_000, 2_000));
    }

    private Event chunk(String board, int attempt, long seq, String text) {
        return Event.chunk(id, board, attempt, seq, text);
    }

    private Event finish(String board, int attempt, long length, String reason) {
        return Event.finish(id, board, attempt, length, reason, Usage.of(3, 4, 0), null, null);
    }

    private JobSnapshot fold(List<Event> events) {
        JobProgress progress = new JobProgress(id);
        events.forEach(progress::accept);
        return progress.snapshot();
    }

    @Test
    void shouldNotKnowAJobWithoutEvents() {
        JobSnapshot job = fold(List.of());

        assertThat(job.known()).isFalse();
        assertThat(job.events()).isZero();
    }

    @Test
    void shouldNotKnowAJobWhoseEventsLackTheGatewaysAcceptedRecord() {
        // a synchronous job's id: its events are in the log, but it was never submitted as an asynchronous job
        JobSnapshot job = fold(List.of(Event.started(id, "b1", 1, null), chunk("b1", 1, 0, "Hi")));

        assertThat(job.known()).isFalse();
    }

    @Test
    void shouldBeQueuedWithOnlyItsAcceptedEvent() {
        JobSnapshot job = fold(List.of(accepted()));

        assertThat(job.known()).isTrue();
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.accepted().metadata()).containsEntry("k", "v");
    }

    @Test
    void shouldBeInProgressOnceStartedOrTextCame() {
        assertThat(fold(List.of(accepted(), Event.started(id, "b1", 1, null))).status())
                .isEqualTo(JobStatus.IN_PROGRESS);
        JobSnapshot chunked = fold(List.of(accepted(), chunk("b1", 1, 0, "Hel")));
        assertThat(chunked.status()).isEqualTo(JobStatus.IN_PROGRESS);
        assertThat(chunked.text()).isEqualTo("Hel");
    }

    @Test
    void shouldAssembleTheAnswerOfAReRunJobOnceDespiteReSentChunks() {
        JobSnapshot job = fold(List.of(accepted(),
                Event.started(id, "b1", 1, null), chunk("b1", 1, 0, "The quick"), chunk("b1", 1, 9, " brown"),
                // b1 crashed; b2 re-runs the job with the same seed and chunks it differently
                Event.started(id, "b2", 2, null), chunk("b2", 2, 0, "The qu"), chunk("b2", 2, 6, "ick bro"),
                chunk("b2", 2, 13, "wn fox"), finish("b2", 2, 19, "stop")));

        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(job.text()).isEqualTo("The quick brown fox");
        assertThat(job.worker()).isEqualTo("b2");
        assertThat(job.terminal().usage().totalTokens()).isEqualTo(7);
    }

    @Test
    void shouldKeepTheFirstEndWhenAReRunRepeatsIt() {
        // the worker crashed after its FINISH but before committing: the job runs and finishes again
        JobSnapshot job = fold(List.of(accepted(), chunk("b1", 1, 0, "ok"), finish("b1", 1, 2, "stop"),
                Event.started(id, "b2", 2, null), chunk("b2", 2, 0, "ok"), finish("b2", 2, 2, "length")));

        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(job.text()).isEqualTo("ok");
        assertThat(job.terminal().finishReason()).isEqualTo("stop");
        assertThat(job.worker()).isEqualTo("b1");
    }

    @Test
    void shouldCountAnAcceptedThatLandedAfterAFastWorkersEvents() {
        JobSnapshot job = fold(List.of(Event.started(id, "b1", 1, null), chunk("b1", 1, 0, "4"),
                finish("b1", 1, 1, "stop"), accepted()));

        assertThat(job.known()).isTrue();
        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(job.text()).isEqualTo("4");
    }

    @Test
    void shouldFailOnAnErrorEvent() {
        JobSnapshot job = fold(List.of(accepted(), Event.started(id, "b1", 1, null),
                Event.error(id, "b1", 1, ErrorInfo.of(ErrorCode.RUNTIME_ERROR, "NPU lost"))));

        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.terminal().error().code()).isEqualTo("runtime_error");
    }

    @Test
    void shouldFailAsCutWhenItEndsWithAHoleInItsText() {
        // Given an answer of 6 characters whose middle chunk never reached the log
        JobSnapshot job = fold(List.of(accepted(), chunk("b1", 1, 0, "ab"), chunk("b1", 1, 4, "ef"),
                finish("b1", 1, 6, "stop")));

        // Then the job failed, with the text readable in order only, and says why
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.text()).isEqualTo("ab");
        assertThat(job.terminal().error().code()).isEqualTo("answer_incomplete");
        assertThat(job.terminal().error().message()).contains("cut after 2 of its 6 characters");
    }

    @Test
    void shouldBeCancelledWhenTheWorkerFinishedForACancel() {
        JobSnapshot skipped = fold(List.of(accepted(), finish("b1", 1, 0, "cancelled")));
        JobSnapshot aborted = fold(List.of(accepted(), chunk("b1", 1, 0, "Hal"), finish("b1", 1, 3, "cancelled")));

        assertThat(skipped.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(aborted.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(aborted.text()).isEqualTo("Hal");
    }

    @Test
    void shouldBeFinalOnlyWithBothItsEndAndItsAccepted() {
        JobProgress progress = new JobProgress(id);
        progress.accept(finish("b1", 1, 0, "stop"));
        assertThat(progress.isFinal()).isFalse();

        progress.accept(accepted());

        assertThat(progress.isFinal()).isTrue();
    }

    @Test
    void shouldRefuseAnotherJobsEvent() {
        JobProgress progress = new JobProgress(id);

        assertThatThrownBy(() -> progress.accept(Event.chunk(JobIds.newId(), "b", 1, 0, "x")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
