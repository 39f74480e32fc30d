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
 * @param cachedPrefix the text the loaded prompt cache holds (the prompt starts with it), or null
 */
public record EngineRequest(String prompt, int maxNewTokens, Sampling sampling, long seed, Path savePromptCache,
        String cachedPrefix) {
    /** A run with no prompt cache loaded. */
    public EngineRequest(String prompt, int maxNewTokens, Sampling sampling, long seed, Path savePromptCache) {
        this(prompt, maxNewTokens, sampling, seed, savePromptCache, null);
    }

    public EngineRequest {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(sampling, "sampling");
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, was " + maxNewTokens);
        }
        if (cachedPrefix != null && !prompt.startsWith(cachedPrefix)) {
            throw new IllegalArgumentException("the prompt does not start with the cached prefix");
        }
    }
}
