package dev.npufleet.worker.engine;

/**
 * How a run ended, with the runtime's own perf stats.
 *
 * @param promptTokens tokens of the whole prompt, or -1 when the runtime cannot tell
 * @param prefillTokens prompt tokens actually computed (fewer than the prompt when a cache helped)
 * @param generateTokens tokens generated
 */
public record EngineResult(Outcome outcome, int promptTokens, int prefillTokens, double prefillMs,
        int generateTokens, double generateMs) {

    /** Whether the run ended by itself or by {@link InferenceEngine#abort()}. */
    public enum Outcome { FINISHED, ABORTED }

    public double prefillTokensPerSecond() {
        return prefillMs > 0 ? prefillTokens * 1000.0 / prefillMs : 0;
    }

    public double decodeTokensPerSecond() {
        return generateMs > 0 ? generateTokens * 1000.0 / generateMs : 0;
    }
}
