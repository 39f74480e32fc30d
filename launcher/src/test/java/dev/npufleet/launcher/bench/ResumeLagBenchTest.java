package dev.npufleet.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResumeLagBenchTest {
    private static final long MS = 1_000_000;

    @Test
    void shouldChargeEachLiveChunkAfterTheHistoryUntilTheResumedFrameThatReachedIt() {
        Map<Long, Long> live = arrivals(3, 0, 5, 10, 8, 20, 12, 30, 15, 40);
        // history up to 5 at 12 ms; then one frame that joined 8 and 12, and one per chunk
        Map<Long, Long> resumed = arrivals(5, 12, 12, 80, 15, 41);

        ResumeLagBench.Run run = ResumeLagBench.lags(live, resumed);

        assertThat(run.lagsMs()).containsExactly(60.0, 50.0, 1.0);
        assertThat(run.unmatched()).isZero();
        assertThat(run.resumedFrames()).isEqualTo(3);
    }

    @Test
    void shouldCountLiveChunksTheResumedStreamNeverReached() {
        ResumeLagBench.Run run = ResumeLagBench.lags(arrivals(3, 0, 5, 10, 8, 20), arrivals(3, 5, 5, 11));

        assertThat(run.lagsMs()).containsExactly(1.0);
        assertThat(run.unmatched()).isEqualTo(1);
    }

    /** id, ms, id, ms, ... in arrival order. */
    private static Map<Long, Long> arrivals(long... idAndMs) {
        Map<Long, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < idAndMs.length; i += 2) {
            out.put(idAndMs[i], idAndMs[i + 1] * MS);
        }
        return out;
    }
}
