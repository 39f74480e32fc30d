package dev.npufleet.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoisonMarkerTest {

    @TempDir
    Path state;

    @Test
    void shouldCountTheFirstAttemptAsOne() {
        assertThat(new PoisonMarker(state).begin("job-1", "jobs", 0, 7)).isEqualTo(1);
    }

    @Test
    void shouldCountAnAttemptWhenARestartedWorkerMeetsTheSameJob() {
        // Given a worker that died while running job-1 twice (the marker survived)
        new PoisonMarker(state).begin("job-1", "jobs", 0, 7);
        new PoisonMarker(state).begin("job-1", "jobs", 0, 7);

        // When the restarted worker meets it again
        int attempt = new PoisonMarker(state).begin("job-1", "jobs", 0, 7);

        // Then it is the third attempt
        assertThat(attempt).isEqualTo(3);
    }

    @Test
    void shouldStartAgainAtOneAfterAJobEndedNormally() {
        PoisonMarker marker = new PoisonMarker(state);
        marker.begin("job-1", "jobs", 0, 7);
        marker.clear();
        assertThat(marker.begin("job-1", "jobs", 0, 7)).isEqualTo(1);
    }

    @Test
    void shouldNotCountAnotherJobOrRecord() {
        PoisonMarker marker = new PoisonMarker(state);
        marker.begin("job-1", "jobs", 0, 7);
        assertThat(marker.begin("job-2", "jobs", 0, 8)).isEqualTo(1);
        assertThat(marker.begin("job-2", "jobs", 1, 8)).isEqualTo(1);
    }

    @Test
    void shouldIgnoreATornMarkerFile() throws Exception {
        Files.writeString(state.resolve("running-job.json"), "{\"job_id\":\"jo");
        assertThat(new PoisonMarker(state).begin("job-1", "jobs", 0, 7)).isEqualTo(1);
    }

    @Test
    void shouldOverwriteALongerMarkerWhole() {
        // Given a marker naming a job with a long topic name
        PoisonMarker marker = new PoisonMarker(state);
        marker.begin("job-1", "jobs-" + "x".repeat(900), 0, 7);

        // When a job with a short one begins
        marker.begin("job-2", "jobs", 3, 8, 1, 4);

        // Then the file holds the new marker and nothing of the old
        assertThat(new PoisonMarker(state).read())
                .isEqualTo(new PoisonMarker.Marker("job-2", "jobs", 3, 8, 1, 4));
    }

    @Test
    void shouldReadNoMarkerAfterAClear() {
        PoisonMarker marker = new PoisonMarker(state);
        marker.begin("job-1", "jobs", 0, 7);
        marker.clear();
        assertThat(new PoisonMarker(state).read()).isNull();
        assertThat(new PoisonMarker(state).leftFor("job-1", "jobs", 0, 7)).isNull();
    }

    @Test
    void shouldTellWhatAnEarlierProcessLeftAboutTheRecord() {
        // Given a worker that died running job-1 as the job's attempt 2
        new PoisonMarker(state).begin("job-1", "jobs", 0, 7, 1, 2);

        // When the restarted worker looks before running records
        PoisonMarker restarted = new PoisonMarker(state);

        // Then it finds the marker for that record only
        assertThat(restarted.leftFor("job-1", "jobs", 0, 7)).satisfies(m -> {
            assertThat(m.attempts()).isEqualTo(1);
            assertThat(m.attempt()).isEqualTo(2);
        });
        assertThat(restarted.leftFor("job-1", "jobs", 0, 8)).isNull();
    }

    @Test
    void shouldKeepTheAttemptAnEarlierProcessDiedInPastOtherJobsAndRestartsUntilForgotten() {
        // Given a worker that died running job-1's attempt 1, and a restarted one that ran two other jobs since
        new PoisonMarker(state).begin("job-1", "jobs", 0, 7, 1, 1);
        PoisonMarker restarted = new PoisonMarker(state);
        restarted.begin("job-2", "jobs", 1, 3, 1, 1);
        restarted.clear();
        restarted.begin("job-3", "jobs", 1, 4, 1, 1);

        // When that worker dies too, in job-3, and the next one looks
        PoisonMarker again = new PoisonMarker(state);

        // Then job-1's lost attempt is still known (the marker itself now names job-3), and so is job-3's
        assertThat(again.leftFor("job-1", "jobs", 0, 7)).isNull();
        assertThat(again.lostFor("job-1", "jobs", 0, 7)).satisfies(m -> assertThat(m.attempt()).isEqualTo(1));
        assertThat(again.lostFor("job-3", "jobs", 1, 4)).isNotNull();
        assertThat(again.lostFor("job-2", "jobs", 1, 3)).isNull();

        // And once forgotten (the history shows it), no later process sees it
        again.forgetLost("job-1");
        assertThat(new PoisonMarker(state).lostFor("job-1", "jobs", 0, 7)).isNull();
    }

    @Test
    void shouldKeepOnlyTheNewestLostAttempts() {
        // Given more workers dying in more jobs than the list keeps, none of them coming back
        for (int i = 0; i <= PoisonMarker.MAX_LOST; i++) {
            new PoisonMarker(state).begin("job-" + i, "jobs", 0, i, 1, 1);
        }
        PoisonMarker last = new PoisonMarker(state);

        // Then the oldest was dropped, the newest kept
        assertThat(last.lostFor("job-0", "jobs", 0, 0)).isNull();
        assertThat(last.lostFor("job-1", "jobs", 0, 1)).isNotNull();
        assertThat(last.lostFor("job-" + PoisonMarker.MAX_LOST, "jobs", 0, PoisonMarker.MAX_LOST)).isNotNull();
    }

    @Test
    void shouldReadAMarkerWrittenBeforeTheAttemptField() throws Exception {
        Files.writeString(state.resolve("running-job.json"),
                "{\"job_id\":\"job-1\",\"topic\":\"jobs\",\"partition\":0,\"offset\":7,\"attempts\":2}");
        assertThat(new PoisonMarker(state).begin("job-1", "jobs", 0, 7)).isEqualTo(3);
    }
}
