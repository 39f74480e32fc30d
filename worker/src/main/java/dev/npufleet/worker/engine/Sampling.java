package dev.npufleet.worker.engine;

import dev.npufleet.protocol.GenerationParams;

/**
 * Sampling settings of one run, in the runtime's terms.
 *
 * @param topK 1 = greedy
 */
public record Sampling(int topK, float topP, float temperature, float repeatPenalty, float frequencyPenalty,
        float presencePenalty) {

    /** Always the most likely token: deterministic whatever the seed. */
    public static final Sampling GREEDY = new Sampling(1, 1.0f, 0.0f, 1.0f, 0.0f, 0.0f);

    /** RKLLM's documented defaults, used for what a job leaves unset. */
    public static final Sampling DEFAULTS = new Sampling(40, 0.9f, 0.8f, 1.1f, 0.0f, 0.0f);

    public Sampling {
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be at least 1, was " + topK);
        }
    }

    public boolean greedy() {
        return topK == 1 || temperature == 0.0f;
    }

    /** A job's settings over the defaults; temperature 0 means greedy (OpenAI's convention). */
    public static Sampling of(GenerationParams params) {
        if (params.temperature() != null && params.temperature() == 0.0) {
            return GREEDY;
        }
        return new Sampling(
                params.topK() == null || params.topK() < 1 ? DEFAULTS.topK() : params.topK(),
                params.topP() == null ? DEFAULTS.topP() : params.topP().floatValue(),
                params.temperature() == null ? DEFAULTS.temperature() : params.temperature().floatValue(),
                params.repeatPenalty() == null ? DEFAULTS.repeatPenalty() : params.repeatPenalty().floatValue(),
                params.frequencyPenalty() == null ? 0.0f : params.frequencyPenalty().floatValue(),
                params.presencePenalty() == null ? 0.0f : params.presencePenalty().floatValue());
    }
}
