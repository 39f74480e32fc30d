package dev.npufleet.gateway.routing;

import dev.npufleet.protocol.Usage;
import java.util.HashMap;
import java.util.Map;

/**
 * What this gateway has learnt of each model's jobs from their FINISH usage: characters per prompt token (the
 * tokenizer differs per model: the simulator's is byte-level, a real model's about 4 characters a token) and the
 * typical job (tokens prefilled after the cache, tokens generated), as moving averages. The ratio is of the
 * averaged characters to the averaged tokens, so long prompts, where the estimate matters, weigh most.
 *
 * <p>Not thread-safe: {@link FleetRouter} guards it.
 */
final class JobShapes {
    /** Weight of the newest job: about the last ten jobs count. */
    private static final double ALPHA = 0.1;
    private static final double MIN_CHARS_PER_TOKEN = 0.25;
    private static final double MAX_CHARS_PER_TOKEN = 32;

    private static final class Shape {
        double chars;
        double tokens;
        double prefill;
        double decode;
        boolean measured;
    }

    private final double defaultCharsPerToken;
    private final Map<String, Shape> byModel = new HashMap<>();

    JobShapes(double defaultCharsPerToken) {
        this.defaultCharsPerToken = defaultCharsPerToken;
    }

    double charsPerToken(String model) {
        Shape s = byModel.get(model);
        if (s == null || !s.measured || s.tokens <= 0 || s.chars <= 0) {
            return defaultCharsPerToken;
        }
        return Math.max(MIN_CHARS_PER_TOKEN, Math.min(MAX_CHARS_PER_TOKEN, s.chars / s.tokens));
    }

    TypicalJob typical(String model) {
        Shape s = byModel.get(model);
        return s == null || !s.measured ? TypicalJob.DEFAULT : new TypicalJob(s.prefill, s.decode);
    }

    /** A finished generation job of {@code model} whose prompt had {@code promptChars} characters. */
    void observe(String model, long promptChars, Usage usage) {
        if (usage == null || usage.promptTokens() <= 0) {
            return;
        }
        Shape s = byModel.computeIfAbsent(model, m -> new Shape());
        double prefill = Math.max(0, usage.promptTokens() - usage.cachedTokens());
        if (!s.measured) {
            s.chars = promptChars;
            s.tokens = usage.promptTokens();
            s.prefill = prefill;
            s.decode = Math.max(0, usage.completionTokens());
            s.measured = true;
            return;
        }
        s.chars += ALPHA * (promptChars - s.chars);
        s.tokens += ALPHA * (usage.promptTokens() - s.tokens);
        s.prefill += ALPHA * (prefill - s.prefill);
        s.decode += ALPHA * (Math.max(0, usage.completionTokens()) - s.decode);
    }
}
