package dev.npufleet.worker.job;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link RerunMode#AUTO} weighs about the board that reruns a half-answered job. Immutable; the job thread
 * builds one per rerun.
 *
 * @param takesSeed the runtime takes a sampling seed (a replay of a sampled job writes the same text)
 * @param continuesExactly a continuation from the delivered text writes what the uninterrupted run writes, greedy or
 *     seeded (see {@link dev.npufleet.worker.engine.InferenceEngine#continuesExactly})
 * @param decodeTokensPerSecond the board's recent decode rate, 0 when it has not finished a job yet
 * @param replayMax the longest replay AUTO accepts where a continuation is not proven exact
 */
public record RerunFacts(boolean takesSeed, boolean continuesExactly, double decodeTokensPerSecond,
        Duration replayMax) {

    /**
     * The decode rate a replay is estimated at before the board measured its own: a cautious guess, below what a
     * board decodes with the small models this project serves, so the estimate errs towards continuing, which keeps
     * the client's wait bounded.
     */
    public static final double UNKNOWN_DECODE_TOKENS_PER_SECOND = 10.0;

    public RerunFacts {
        Objects.requireNonNull(replayMax, "replayMax");
        if (replayMax.isNegative()) {
            throw new IllegalArgumentException("replayMax must not be negative, got " + replayMax);
        }
    }

    /** How long generating {@code tokens} again would take on this board, in milliseconds. */
    public long replayEstimateMs(int tokens) {
        double rate = decodeTokensPerSecond > 0 ? decodeTokensPerSecond : UNKNOWN_DECODE_TOKENS_PER_SECOND;
        return (long) Math.ceil(Math.max(0, tokens) * 1000.0 / rate);
    }

    /** Whether replaying {@code tokens} would keep the client waiting for a new token longer than the bound. */
    public boolean replayTooLong(int tokens) {
        return replayEstimateMs(tokens) > replayMax.toMillis();
    }
}
