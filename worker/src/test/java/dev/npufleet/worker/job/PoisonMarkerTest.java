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
}
