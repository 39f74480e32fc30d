package dev.npufleet.worker.config;

import static dev.npufleet.protocol.config.Checks.positive;

import dev.npufleet.protocol.config.ConfigValues;
import dev.npufleet.protocol.config.EnvReader;
import dev.npufleet.protocol.config.Setting;
import dev.npufleet.worker.job.RerunMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How a worker treats jobs beyond running them: the jobs topic's partitions it creates, how many
 * crashes a job may cause, how a half-answered job is run again, how far back cancels are read, and the
 * background lane's share of the NPU.
 * Immutable; any thread.
 */
public record JobsConfig(int partitions, int maxAttempts, RerunMode rerun, Duration cancelLookback,
        int backgroundShare) {

    public static final Setting PARTITIONS = Setting.of("NPUFLEET_JOB_PARTITIONS", "16",
            "partitions of job topics it creates (most boards per model)");
    public static final Setting MAX_ATTEMPTS = Setting.of("NPUFLEET_MAX_ATTEMPTS", "3",
            "a job is dead-lettered after this many lost attempts on at least two boards, or twice as many "
                    + "deaths in a row of one board");
    public static final Setting RERUN = Setting.of("NPUFLEET_RERUN", "auto",
            "a job a crashed worker had half answered: `replay` (same seed, same text), `continue` (from the "
                    + "delivered text), `auto` (continue where that writes the same text, greedy on the simulator, or "
                    + "where a replay would differ, sampled on the vendor runtime); see `docs/PROTOCOL.md`");
    public static final Setting CANCEL_LOOKBACK = Setting.of("NPUFLEET_CANCEL_LOOKBACK_MS", "86400000",
            "`86400000` (24 h)", "at start a worker reads the cancels of this long ago, so a job cancelled while "
                    + "no worker ran (an asynchronous job, a batch) is skipped; `0`: only cancels sent after start");

    public static final Setting BACKGROUND_SHARE = Setting.of("NPUFLEET_BACKGROUND_SHARE", "4",
            "interactive jobs run first; after this many in a row while an asynchronous job or batch line waits, "
                    + "that one goes next (so the background lane gets at least 1 in this + 1 jobs)");

    public JobsConfig {
        positive(PARTITIONS, partitions);
        positive(MAX_ATTEMPTS, maxAttempts);
        Objects.requireNonNull(rerun, "rerun");
        Objects.requireNonNull(cancelLookback, "cancelLookback");
        positive(BACKGROUND_SHARE, backgroundShare);
    }

    public static JobsConfig read(EnvReader env) {
        return new JobsConfig(env.positiveInteger(PARTITIONS), env.positiveInteger(MAX_ATTEMPTS),
                env.parsed(RERUN, RerunMode::parse), env.duration(CANCEL_LOOKBACK),
                env.positiveInteger(BACKGROUND_SHARE));
    }

    public void describeTo(ConfigValues values) {
        values.add(PARTITIONS, partitions).add(MAX_ATTEMPTS, maxAttempts)
                .add(RERUN, rerun.name().toLowerCase(Locale.ROOT)).add(CANCEL_LOOKBACK, cancelLookback.toMillis())
                .add(BACKGROUND_SHARE, backgroundShare);
    }
}
