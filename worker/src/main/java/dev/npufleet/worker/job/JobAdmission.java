package dev.npufleet.worker.job;

import dev.npufleet.protocol.GenerationParams;
import dev.npufleet.worker.engine.InferenceEngine;
import dev.npufleet.worker.engine.InferenceException;
import dev.npufleet.worker.engine.Sampling;

/**
 * Refuses, before a job runs, parameters this board cannot honour, naming the parameter
 * ({@code invalid_request}, detail {@code invalid_value} or {@code unsupported_value}): a token limit
 * above the worker's, sampling settings a 1.2.x runtime fixed at load, and a client's seed for sampled
 * output on a runtime that takes no seed. Stateless; job thread.
 */
final class JobAdmission {
    private JobAdmission() {
    }

    static void check(GenerationParams p, InferenceEngine engine, int maxNewTokens) {
        if (p.maxTokens() != null && p.maxTokens() > maxNewTokens) {
            throw InferenceException.invalid("max_tokens", "invalid_value", "max_tokens is too large: " + p.maxTokens()
                    + ". This model supports at most " + maxNewTokens + " completion tokens.", null);
        }
        Sampling fixed = engine.fixedSampling();
        if (fixed != null) {
            differs("temperature", p.temperature(), fixed.temperature());
            differs("top_p", p.topP(), fixed.topP());
            differs("top_k", p.topK() == null ? null : p.topK().doubleValue(), fixed.topK());
            differs("repeat_penalty", p.repeatPenalty(), fixed.repeatPenalty());
            differs("frequency_penalty", p.frequencyPenalty(), fixed.frequencyPenalty());
            differs("presence_penalty", p.presencePenalty(), fixed.presencePenalty());
        }
        if (p.seedFromClient() && !engine.takesSeed() && !Sampling.of(p).greedy()) {
            throw InferenceException.invalid("seed", "unsupported_value", "seed is not supported by this board's"
                    + " runtime (it takes no sampling seed); use temperature 0 for reproducible output.", null);
        }
    }

    private static void differs(String param, Double asked, double fixed) {
        if (asked != null && Math.abs(asked - fixed) > 1e-6) {
            throw InferenceException.invalid(param, "unsupported_value", param + " " + asked + " cannot be honoured:"
                    + " this board's runtime (RKLLM 1.2.x) fixes sampling when the model is loaded (" + param + " = "
                    + (float) fixed + "); leave it unset or send that value.", null);
        }
    }
}
