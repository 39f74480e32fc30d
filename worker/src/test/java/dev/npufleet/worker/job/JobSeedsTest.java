package dev.npufleet.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.GenerationParams;
import dev.npufleet.worker.testing.Jobs;
import org.junit.jupiter.api.Test;

class JobSeedsTest {

    @Test
    void shouldDeriveTheSameSeedFromTheSameJobIdEveryTime() {
        var job = Jobs.completion("m", "r", "p");
        assertThat(JobSeeds.seedOf(job)).isEqualTo(JobSeeds.seedOf(job)).isEqualTo(JobSeeds.derive(job.id()));
        assertThat(JobSeeds.derive("a")).isNotEqualTo(JobSeeds.derive("b"));
    }

    @Test
    void shouldUseTheJobsOwnSeed() {
        var job = Jobs.completion("m", "r", "p", GenerationParams.defaults().withSeed(42L));
        assertThat(JobSeeds.seedOf(job)).isEqualTo(42L);
    }
}
