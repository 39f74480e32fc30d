package dev.npufleet.worker.config;

import static dev.npufleet.protocol.config.Checks.notNegative;

import dev.npufleet.protocol.config.ConfigValues;
import dev.npufleet.protocol.config.EnvReader;
import dev.npufleet.protocol.config.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The prompt-cache store and the automatic caches: where the files live, the disk bound, when a
 * system prompt gets a cache of its own, and how long a job naming a cache waits for its
 * definition. Immutable; any thread.
 */
public record CacheConfig(Path dir, long maxBytes, int autoAfter, Duration autoWindow, int autoMax,
        Duration lookupWait) {

    public static final Setting DIR = Setting.derived("NPUFLEET_CACHE_DIR", "`<state dir>/caches`",
            "prompt-cache files and manifests");
    public static final Setting MAX_BYTES = Setting.of("NPUFLEET_CACHE_MAX_BYTES", "2g",
            "disk bound for caches, suffix k, m, g allowed (LRU; pinned kept; automatic caches go first)");
    public static final Setting AUTO_AFTER = Setting.of("NPUFLEET_AUTO_CACHE_AFTER", "2",
            "a system prompt seen this many times within the window (no named cache) gets an automatic cache "
                    + "`auto-<16 hex>`, same hash as its routing key `sys:<16 hex>`; `0` = off");
    public static final Setting AUTO_WINDOW = Setting.of("NPUFLEET_AUTO_CACHE_WINDOW_MS", "600000",
            "the window in which those sightings count");
    public static final Setting AUTO_MAX = Setting.of("NPUFLEET_AUTO_CACHE_MAX", "8",
            "automatic caches kept at most (least recently used out)");
    public static final Setting LOOKUP = Setting.of("NPUFLEET_CACHE_LOOKUP_MS", "2000",
            "how long a job naming only a cache waits for the caches topic to catch up");

    public CacheConfig {
        Objects.requireNonNull(dir, "dir");
        notNegative(AUTO_AFTER, autoAfter);
        notNegative(AUTO_MAX, autoMax);
    }

    /** Reads the cache settings; the cache dir defaults to a folder of {@code stateDir}. */
    public static CacheConfig read(EnvReader env, Path stateDir) {
        Path dir = env.path(DIR);
        int autoMax = env.integer(AUTO_MAX);
        notNegative(AUTO_MAX, autoMax); // 0 reads as the default below, a negative count is refused
        return new CacheConfig(dir != null ? dir : stateDir.resolve("caches"), env.positiveBytes(MAX_BYTES),
                env.integer(AUTO_AFTER), env.positiveDuration(AUTO_WINDOW), env.positiveInteger(AUTO_MAX),
                env.positiveDuration(LOOKUP));
    }

    public void describeTo(ConfigValues values) {
        values.add(DIR, dir).add(MAX_BYTES, maxBytes).add(AUTO_AFTER, autoAfter)
                .add(AUTO_WINDOW, autoWindow.toMillis()).add(AUTO_MAX, autoMax).add(LOOKUP, lookupWait.toMillis());
    }
}
