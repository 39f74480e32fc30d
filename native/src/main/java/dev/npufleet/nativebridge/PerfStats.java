package dev.npufleet.nativebridge;

/**
 * The runtime's own measurements of one run ({@code RKLLMPerfStat}, valid at FINISH). All zero when
 * the runtime reported no FINISH (a run stopped before its end may not). {@code prefillTokens} counts
 * only the tokens really computed: with a prompt cache loaded it is smaller by the reused prefix.
 * Immutable; any thread.
 */
public record PerfStats(float prefillTimeMs, int prefillTokens, float generateTimeMs, int generateTokens,
        float memoryUsageMb) {

    /** No measurements: the runtime reported no FINISH. */
    public static final PerfStats NONE = new PerfStats(0, 0, 0, 0, 0);

    /** Prefill speed in tokens per second, or 0 when nothing was measured. */
    public double prefillTokensPerSecond() {
        return prefillTimeMs > 0 ? prefillTokens * 1000.0 / prefillTimeMs : 0.0;
    }

    /** Generation speed in tokens per second, or 0 when nothing was measured. */
    public double generateTokensPerSecond() {
        return generateTimeMs > 0 ? generateTokens * 1000.0 / generateTimeMs : 0.0;
    }
}
