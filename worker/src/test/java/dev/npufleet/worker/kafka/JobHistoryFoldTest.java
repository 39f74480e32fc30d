package dev.npufleet.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.ErrorInfo;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Timings;
import dev.npufleet.protocol.Usage;
import dev.npufleet.worker.job.PriorAttempt;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Folding a job's earlier events into what they delivered. */
class JobHistoryFoldTest {

    private static final String JOB = "01a21d4c-e90d-7c7b-b7af-e0416c451bdb";
    private static final Timings NONE = new Timings(0, 0, 0, 0, 0, 0, 0);

    @Test
    void shouldJoinContiguousChunksAndKeepTheLastTokenCount() {
        KafkaJobHistory.Fold fold = new KafkaJobHistory.Fold(JOB);
        fold.accept(Event.started(JOB, "a", 1, NONE));
        fold.accept(Event.chunk(JOB, "a", 1, 0, "Hel", 3));
        fold.accept(Event.chunk(JOB, "a", 1, 3, "lo \uD83D\uDE00", 7));

        PriorAttempt prior = fold.result();

        assertThat(prior).isEqualTo(new PriorAttempt(false, "Hello \uD83D\uDE00", 7, 1, List.of("a")));
        assertThat(prior.length()).isEqualTo(7);
    }

    @Test
    void shouldTakeOnlyWhatAReplayAddsBeyondTheTextAlreadyFolded() {
        KafkaJobHistory.Fold fold = new KafkaJobHistory.Fold(JOB);
        fold.accept(Event.chunk(JOB, "a", 1, 0, "\uD83D\uDE00ab", 4));
        // attempt 2 replayed from the start with other chunk borders, and got further
        fold.accept(Event.chunk(JOB, "b", 2, 0, "\uD83D\uDE00", 1));
        fold.accept(Event.chunk(JOB, "b", 2, 1, "abcd", 8));

        assertThat(fold.result()).isEqualTo(new PriorAttempt(false, "\uD83D\uDE00abcd", 8, 2));
    }

    @Test
    void shouldIgnoreOtherJobsAndChunksBeyondAGap() {
        KafkaJobHistory.Fold fold = new KafkaJobHistory.Fold(JOB);
        fold.accept(Event.chunk("01a21d4c-0000-7000-8000-000000000000", "a", 1, 0, "other", 5));
        fold.accept(Event.chunk(JOB, "a", 1, 0, "ab", 2));
        fold.accept(Event.chunk(JOB, "a", 1, 5, "gap", 9));

        assertThat(fold.result()).isEqualTo(new PriorAttempt(false, "ab", 2, 1));
    }

    @Test
    void shouldReportAnEndedJobAndAnUnknownTokenCount() {
        KafkaJobHistory.Fold finished = new KafkaJobHistory.Fold(JOB);
        finished.accept(Event.chunk(JOB, "a", 1, 0, "ab"));
        finished.accept(Event.finish(JOB, "a", 1, 2, "stop", Usage.of(1, 2, 0), NONE, null));
        KafkaJobHistory.Fold failed = new KafkaJobHistory.Fold(JOB);
        failed.accept(Event.error(JOB, "a", 3, ErrorInfo.of(ErrorCode.INTERNAL, "boom")));

        assertThat(finished.result()).isEqualTo(new PriorAttempt(true, "ab", -1, 1));
        assertThat(failed.result().ended()).isTrue();
        assertThat(failed.result().attempts()).isEqualTo(3);
    }
}
