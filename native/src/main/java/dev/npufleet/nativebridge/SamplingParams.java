package dev.npufleet.nativebridge;

/**
 * Token sampling settings, as RKLLM takes them ({@code RKLLMParam} at init, {@code RKLLMSamplingParam}
 * per run on 1.3.0). Immutable; any thread.
 *
 * @param topK             keep the k most likely tokens; 1 = greedy, 0 = no top-k cut
 * @param topP             nucleus sampling mass, in (0, 1]
 * @param temperature      softmax temperature, at least 0
 * @param repeatPenalty    penalty for repeated tokens, greater than 0 (1 = none)
 * @param frequencyPenalty OpenAI-style frequency penalty (0 = none)
 * @param presencePenalty  OpenAI-style presence penalty (0 = none)
 */
public record SamplingParams(int topK, float topP, float temperature, float repeatPenalty, float frequencyPenalty,
        float presencePenalty) {

    /** Always the most likely token: same prompt, same output. */
    public static final SamplingParams GREEDY = new SamplingParams(1, 1.0f, 1.0f, 1.0f, 0.0f, 0.0f);

    public SamplingParams {
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        }
        if (!(topP > 0.0f && topP <= 1.0f)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (!(temperature >= 0.0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        if (!(repeatPenalty > 0.0f) || Float.isInfinite(repeatPenalty)) {
            throw new IllegalArgumentException("repeatPenalty must be finite and > 0, got " + repeatPenalty);
        }
        if (!Float.isFinite(frequencyPenalty) || !Float.isFinite(presencePenalty)) {
            throw new IllegalArgumentException("frequencyPenalty and presencePenalty must be finite, got "
                    + frequencyPenalty + " and " + presencePenalty);
        }
    }

    /** Chat-style sampling: top-k 40, top-p 0.9, temperature 0.8, repeat penalty 1.1, no other penalties. */
    public static SamplingParams defaults() {
        return new SamplingParams(40, 0.9f, 0.8f, 1.1f, 0.0f, 0.0f);
    }
}
