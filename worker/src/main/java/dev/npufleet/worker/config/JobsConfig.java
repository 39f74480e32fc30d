package dev.npufleet.worker.config;

import static dev.npufleet.protocol.config.Checks.notNegative;
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
public record JobsConfig(int partitions, int maxAttempts, RerunMode rerun, Duration replayMax,
        Duration cancelLookback, int backgroundShare) {

    public static final Setting PARTITIONS = Setting.of("NPUFLEET_JOB_PARTITIONS", "16",
            "partitions of job topics it creates (most boards per model)");
    public static final Setting MAX_ATTEMPTS = Setting.of("NPUFLEET_MAX_ATTEMPTS", "3",
            "a job is dead-lettered after this many lost attempts on at least two boards, or twice as many "
                    + "lost on one board");
    public static final Setting RERUN = Setting.of("NPUFLEET_RERUN", "auto",
            "a job a crashed worker had half answered: `replay` (same seed, same text), `continue` (from the "
                    + "delivered text), `auto` (continue where that writes the same text, greedy or seeded on the "
                    + "simulator, where a replay would differ, sampled on the vendor runtime, or where a replay would "
                    + "take longer than `NPUFLEET_RERUN_REPLAY_MAX_MS`); see `docs/PROTOCOL.md`");
    public static final Setting REPLAY_MAX = Setting.of("NPUFLEET_RERUN_REPLAY_MAX_MS", "1000",
            "`auto` replays a half-answered job whose continuation is not proven exact (vendor runtime) only when "
                    + "regenerating the delivered tokens at the board's decode rate (10 tokens/s before it measured "
                    + "one) takes at most this long, else continues it (the text after the cut may then differ from "
                    + "an uninterrupted run's); `0`: always continue");
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
        Objects.requireNonNull(replayMax, "replayMax");
        notNegative(REPLAY_MAX, replayMax.toMillis());
        Objects.requireNonNull(cancelLookback, "cancelLookback");
        positive(BACKGROUND_SHARE, backgroundShare);
    }

    public static JobsConfig read(EnvReader env) {
        return new JobsConfig(env.positiveInteger(PARTITIONS), env.positiveInteger(MAX_ATTEMPTS),
                env.parsed(RERUN, RerunMode::parse), env.duration(REPLAY_MAX), env.duration(CANCEL_LOOKBACK),
                env.positiveInteger(BACKGROUND_SHARE));
    }

    public void describeTo(ConfigValues values) {
        values.add(PARTITIONS, partitions).add(MAX_ATTEMPTS, maxAttempts)
                .add(RERUN, rerun.name().toLowerCase(Locale.ROOT)).add(REPLAY_MAX, replayMax.toMillis())
                .add(CANCEL_LOOKBACK, cancelLookback.toMillis())
                .add(BACKGROUND_SHARE, backgroundShare);
    }
}
