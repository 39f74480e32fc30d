package dev.npufleet.worker.engine;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One run of the engine.
 *
 * @param prompt the full rendered prompt (the chat template is already applied)
 * @param maxNewTokens most tokens to generate (at least 1)
 * @param seed sampling seed, so a re-run after a crash reproduces the same tokens
 * @param savePromptCache where to write the prompt's KV state right after prefill, or null
 */
public record EngineRequest(String prompt, int maxNewTokens, Sampling sampling, long seed, Path savePromptCache) {
    public EngineRequest {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(sampling, "sampling");
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, was " + maxNewTokens);
        }
    }
}
