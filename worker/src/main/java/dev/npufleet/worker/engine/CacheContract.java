package dev.npufleet.worker.engine;

import java.util.Locale;

/**
 * How the runtime uses a prompt cache loaded with {@code rkllm_load_prompt_cache}. Rockchip documents no
 * contract, so the worker finds out at start ({@link CacheContractProbe}) unless configured. Immutable.
 */
public enum CacheContract {
    /** The runtime reuses the loaded cache's tokens where the full prompt starts with them: send the full prompt. */
    PREFIX,
    /** The runtime takes the loaded cache as context and appends the input: send only the part after the prefix. */
    APPEND,
    /** Neither reproduces the uncached answer: prompt caches are not used. */
    OFF;

    /** Parses {@code auto} (null), {@code prefix}, {@code append} or {@code off}. */
    public static CacheContract parseSetting(String s) {
        String v = s == null ? "auto" : s.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "", "auto" -> null;
            case "prefix" -> PREFIX;
            case "append" -> APPEND;
            case "off" -> OFF;
            default -> throw new IllegalArgumentException(
                    "NPUFLEET_CACHE_CONTRACT must be auto, prefix, append or off: " + s);
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
