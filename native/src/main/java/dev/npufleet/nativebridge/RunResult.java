package dev.npufleet.nativebridge;

import java.util.Objects;

/**
 * What a run reports besides its tokens. Immutable; any thread.
 *
 * @param outcome      how it ended
 * @param perf         the runtime's measurements ({@link PerfStats#NONE} if it reported none)
 * @param promptTokens tokens in the whole input, cached part included, where the runtime can tell
 *                     (the simulator's {@code rkllm_sim_prompt_tokens}); -1 where it cannot (the vendor runtime)
 */
public record RunResult(RunOutcome outcome, PerfStats perf, int promptTokens) {
    public RunResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(perf, "perf");
        if (promptTokens < -1) {
            throw new IllegalArgumentException("promptTokens must be >= -1, got " + promptTokens);
        }
    }

    /** Prompt tokens served from a loaded prompt cache, or -1 when the prompt size is unknown. */
    public int cachedPromptTokens() {
        return promptTokens < 0 ? -1 : Math.max(0, promptTokens - perf.prefillTokens());
    }
}
