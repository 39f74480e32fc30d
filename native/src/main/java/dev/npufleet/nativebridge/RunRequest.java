package dev.npufleet.nativebridge;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * One run's input and per-run settings. Immutable (the token array is copied in and out); any thread.
 *
 * @param prompt          the text to run, or null when {@code tokenIds} is given
 * @param tokenIds        token ids to run, or null when {@code prompt} is given
 * @param role            the input's role for the runtime's chat template ("user", "tool")
 * @param keepHistory     keep the KV cache after the run, so the next run continues the conversation
 * @param maxNewTokens    cap on generated tokens; 0 or less = the session's
 * @param sampling        sampling for this run; null = the session's
 * @param savePromptCache save the prompt's KV state to this file during the run; null = don't
 * @param seed            sampling seed for this run where the runtime takes one (the simulator); the vendor
 *                        runtime takes none and it is ignored there; null leaves the runtime's seed as it is
 */
public record RunRequest(String prompt, int[] tokenIds, String role, boolean keepHistory, int maxNewTokens,
        SamplingParams sampling, Path savePromptCache, Long seed) {

    public RunRequest {
        if ((prompt == null) == (tokenIds == null)) {
            throw new IllegalArgumentException("exactly one of prompt and tokenIds must be given");
        }
        if (prompt != null && prompt.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("prompt must not contain NUL characters");
        }
        if (tokenIds != null) {
            if (tokenIds.length == 0) {
                throw new IllegalArgumentException("tokenIds must not be empty");
            }
            tokenIds = tokenIds.clone();
        }
        Objects.requireNonNull(role, "role");
        if (role.isBlank() || role.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("role must be a non-blank text without NUL, got '" + role + "'");
        }
        if (savePromptCache != null && savePromptCache.toString().indexOf('\0') >= 0) {
            throw new IllegalArgumentException("savePromptCache must not contain NUL characters");
        }
    }

    /** A text prompt with the defaults: role "user", no history, session's limits and sampling. */
    public static RunRequest prompt(String text) {
        return new RunRequest(Objects.requireNonNull(text, "text"), null, "user", false, 0, null, null, null);
    }

    /** Token ids with the defaults: role "user", no history, session's limits and sampling. */
    public static RunRequest tokens(int... ids) {
        return new RunRequest(null, Objects.requireNonNull(ids, "ids"), "user", false, 0, null, null, null);
    }

    /** A copy of the token ids, or null for a text prompt. */
    @Override
    public int[] tokenIds() {
        return tokenIds == null ? null : tokenIds.clone();
    }

    public RunRequest withRole(String value) {
        return new RunRequest(prompt, tokenIds, value, keepHistory, maxNewTokens, sampling, savePromptCache, seed);
    }

    public RunRequest withKeepHistory(boolean value) {
        return new RunRequest(prompt, tokenIds, role, value, maxNewTokens, sampling, savePromptCache, seed);
    }

    public RunRequest withMaxNewTokens(int value) {
        return new RunRequest(prompt, tokenIds, role, keepHistory, value, sampling, savePromptCache, seed);
    }

    public RunRequest withSampling(SamplingParams value) {
        return new RunRequest(prompt, tokenIds, role, keepHistory, maxNewTokens, value, savePromptCache, seed);
    }

    public RunRequest withSavePromptCache(Path value) {
        return new RunRequest(prompt, tokenIds, role, keepHistory, maxNewTokens, sampling, value, seed);
    }

    public RunRequest withSeed(Long value) {
        return new RunRequest(prompt, tokenIds, role, keepHistory, maxNewTokens, sampling, savePromptCache, value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunRequest r && Objects.equals(prompt, r.prompt) && Arrays.equals(tokenIds, r.tokenIds)
                && role.equals(r.role) && keepHistory == r.keepHistory && maxNewTokens == r.maxNewTokens
                && Objects.equals(sampling, r.sampling) && Objects.equals(savePromptCache, r.savePromptCache)
                && Objects.equals(seed, r.seed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(prompt, Arrays.hashCode(tokenIds), role, keepHistory, maxNewTokens, sampling,
                savePromptCache, seed);
    }

    @Override
    public String toString() {
        String input = prompt != null ? "prompt=" + prompt.length() + " chars" : "tokenIds=" + tokenIds.length + " ids";
        return "RunRequest[" + input + ", role=" + role + ", keepHistory=" + keepHistory + ", maxNewTokens="
                + maxNewTokens + ", sampling=" + sampling + ", savePromptCache=" + savePromptCache + ", seed=" + seed
                + "]";
    }
}
