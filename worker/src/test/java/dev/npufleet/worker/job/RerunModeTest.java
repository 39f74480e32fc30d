package dev.npufleet.worker.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.npufleet.worker.engine.Sampling;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The rerun policy: which half-answered jobs continue from the delivered text, which replay from the start. */
class RerunModeTest {

    private static final Duration BOUND = Duration.ofMillis(1000);
    /** The simulator: takes a seed, continues exactly; decodes 30 tokens/s. */
    private static final RerunFacts SIMULATOR = new RerunFacts(true, true, 30, BOUND);
    /** The vendor runtime: no seed, no proof; decodes 20 tokens/s. */
    private static final RerunFacts VENDOR = new RerunFacts(false, false, 20, BOUND);

    private static PriorAttempt said(int tokens) {
        return new PriorAttempt(false, "x".repeat(Math.max(1, tokens)), tokens, 1);
    }

    @Test
    void shouldContinueGreedyAndSeededJobsOnTheSimulatorHoweverLittleWasSaid() {
        assertThat(RerunMode.AUTO.continues(said(1), Sampling.GREEDY, SIMULATOR)).isTrue();
        assertThat(RerunMode.AUTO.continues(said(1), Sampling.DEFAULTS, SIMULATOR)).as("seeded").isTrue();
        assertThat(RerunMode.AUTO.continues(said(5000), Sampling.DEFAULTS, SIMULATOR)).isTrue();
    }

    @Test
    void shouldReplayAGreedyJobOnTheVendorRuntimeOnlyWhileTheReplayFitsTheBound() {
        // 20 tokens/s: 20 tokens take 1000 ms (the bound, still a replay), 21 take 1050 ms
        assertThat(RerunMode.AUTO.continues(said(20), Sampling.GREEDY, VENDOR)).isFalse();
        assertThat(RerunMode.AUTO.continues(said(21), Sampling.GREEDY, VENDOR)).isTrue();
        assertThat(RerunMode.AUTO.continues(said(500), Sampling.GREEDY, VENDOR)).isTrue();
    }

    @Test
    void shouldEstimateAReplayAtTheCautiousRateBeforeTheBoardMeasuredItsOwn() {
        RerunFacts fresh = new RerunFacts(false, false, 0, BOUND);

        assertThat(fresh.replayEstimateMs(10)).isEqualTo(1000);
        assertThat(RerunMode.AUTO.continues(said(10), Sampling.GREEDY, fresh)).isFalse();
        assertThat(RerunMode.AUTO.continues(said(11), Sampling.GREEDY, fresh)).isTrue();
    }

    @Test
    void shouldAlwaysContinueWhereExactnessIsNotProvenWhenTheBoundIsZero() {
        RerunFacts noReplay = new RerunFacts(false, false, 1000, Duration.ZERO);

        assertThat(RerunMode.AUTO.continues(said(1), Sampling.GREEDY, noReplay)).isTrue();
        assertThat(RerunMode.REPLAY.continues(said(1), Sampling.GREEDY, noReplay)).as("replay is told").isFalse();
    }

    @Test
    void shouldContinueASampledJobOnARuntimeWithoutASeedWhateverTheBound() {
        RerunFacts fast = new RerunFacts(false, false, 1000, Duration.ofHours(1));

        assertThat(RerunMode.AUTO.continues(said(1), Sampling.DEFAULTS, fast)).isTrue();
        assertThat(RerunMode.AUTO.continues(said(1), Sampling.GREEDY, fast)).isFalse();
    }

    @Test
    void shouldReplayWhatCannotBeContinued() {
        RerunFacts any = new RerunFacts(false, false, 1, Duration.ZERO);

        assertThat(RerunMode.CONTINUE.continues(PriorAttempt.NONE, Sampling.GREEDY, any)).as("nothing said").isFalse();
        assertThat(RerunMode.AUTO.continues(new PriorAttempt(false, "abc", -1, 1), Sampling.GREEDY, any))
                .as("no token count").isFalse();
        assertThat(RerunMode.AUTO.continues(new PriorAttempt(true, "abc", 3, 1), Sampling.GREEDY, any))
                .as("already answered").isFalse();
        assertThat(RerunMode.CONTINUE.continues(said(1), Sampling.GREEDY, SIMULATOR)).isTrue();
        assertThat(RerunMode.REPLAY.continues(said(5000), Sampling.GREEDY, VENDOR)).isFalse();
    }

    @Test
    void shouldRefuseANegativeBound() {
        assertThatThrownBy(() -> new RerunFacts(true, true, 1, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replayMax");
    }
}
