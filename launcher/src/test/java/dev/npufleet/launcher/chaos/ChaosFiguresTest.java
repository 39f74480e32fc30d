package dev.npufleet.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosFiguresTest {

    private static final long S = 1_000_000_000L;

    @Test
    void shouldTakeTheLongestWaitOfAnyStreamAcrossEachKill() {
        // Given a stream stalled across the kill at 10 s (tokens at 9 s and 16 s) and one that flowed (9.5 s, 10.2 s)
        ChaosLoad.Result stalled = new ChaosLoad.Result(true, "p",
                new ChaosClient.Outcome("ab", true, null, List.of(9 * S, 16 * S)));
        ChaosLoad.Result flowing = new ChaosLoad.Result(true, "p",
                new ChaosClient.Outcome("ab", true, null, List.of(9_500_000_000L, 10_200_000_000L)));

        // Then the kill at 10 s cost 7 s, and a kill no stream spans counts for nothing
        assertThat(ChaosFigures.stallsAfterKills(List.of(stalled, flowing), List.of(10 * S, 30 * S)))
                .containsExactly(7.0);
        assertThat(ChaosFigures.summary(List.of(7.0, 1.0, 3.0)))
                .isEqualTo("p50 3.0 s, p90 7.0 s, max 7.0 s (3 kills that stalled a stream)");
    }
}
