package dev.npufleet.protocol;

/**
 * Token counts of one job, from the runtime's own perf stats.
 *
 * @param cachedTokens prompt tokens the runtime did not have to prefill because a prompt cache
 *     held them ({@code prompt_tokens - perf.prefill_tokens}), measured, not assumed
 * @param cacheHit true only when {@code cachedTokens > 0}
 */
public record Usage(int promptTokens, int completionTokens, int totalTokens, int cachedTokens, boolean cacheHit) {
    public static Usage of(int promptTokens, int completionTokens, int cachedTokens) {
        return new Usage(promptTokens, completionTokens, promptTokens + completionTokens, cachedTokens, cachedTokens > 0);
    }
}
