package dev.npufleet.protocol;

import java.util.List;

/**
 * Sampling and stopping settings of one job. A null field means "the worker's default", so
 * old jobs stay valid when a field is added.
 *
 * @param maxTokens most tokens to generate
 * @param temperature 0 = greedy
 * @param seed makes sampled output reproducible, also when a job is re-run after a crash
 * @param stop strings that end the answer (not included in it)
 * @param clientSeed true when the client chose {@code seed} (a runtime that takes no seed refuses it for sampled
 *     output), null or false when the gateway drew it for re-runs
 */
public record GenerationParams(
        Integer maxTokens,
        Double temperature,
        Double topP,
        Integer topK,
        Long seed,
        List<String> stop,
        Double frequencyPenalty,
        Double presencePenalty,
        Double repeatPenalty,
        Boolean clientSeed) {

    public GenerationParams {
        stop = stop == null ? List.of() : List.copyOf(stop);
        if (maxTokens != null && maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be at least 1, was " + maxTokens);
        }
        if (temperature != null && (temperature < 0 || temperature > 2)) {
            throw new IllegalArgumentException("temperature must be between 0 and 2, was " + temperature);
        }
        if (topP != null && (topP <= 0 || topP > 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], was " + topP);
        }
        if (stop.size() > 4) {
            throw new IllegalArgumentException("at most 4 stop sequences, got " + stop.size());
        }
    }

    public GenerationParams(Integer maxTokens, Double temperature, Double topP, Integer topK, Long seed,
            List<String> stop, Double frequencyPenalty, Double presencePenalty, Double repeatPenalty) {
        this(maxTokens, temperature, topP, topK, seed, stop, frequencyPenalty, presencePenalty, repeatPenalty, null);
    }

    /** True when the client asked for this seed. */
    public boolean seedFromClient() {
        return Boolean.TRUE.equals(clientSeed);
    }

    public static GenerationParams defaults() {
        return new GenerationParams(null, null, null, null, null, List.of(), null, null, null);
    }

    public GenerationParams withMaxTokens(Integer newMaxTokens) {
        return new GenerationParams(newMaxTokens, temperature, topP, topK, seed, stop, frequencyPenalty,
                presencePenalty, repeatPenalty, clientSeed);
    }

    public GenerationParams withSeed(Long newSeed) {
        return new GenerationParams(maxTokens, temperature, topP, topK, newSeed, stop, frequencyPenalty,
                presencePenalty, repeatPenalty, clientSeed);
    }
}
