package dev.npufleet.protocol;

/**
 * Where a job's time went, measured on the worker (milliseconds unless named otherwise).
 *
 * @param queueMs from the job's creation to the worker starting it
 * @param cacheBuildMs time spent building the named cache first on this board (0 when it was there)
 * @param prefillMs the runtime's prefill time
 * @param ttftMs from the worker starting the job to its first token
 * @param decodeTokensPerSecond the runtime's generation rate
 * @param totalMs from the worker starting the job to its end
 * @param hops the worker's hops to the first chunk, each on the worker's own clock; null from workers before them
 *     and in events other than {@code FINISH}
 */
public record Timings(
        long queueMs,
        long cacheBuildMs,
        double prefillMs,
        double ttftMs,
        double decodeTokensPerSecond,
        double prefillTokensPerSecond,
        long totalMs,
        Hops hops) {

    /** Timings without hops. */
    public Timings(long queueMs, long cacheBuildMs, double prefillMs, double ttftMs, double decodeTokensPerSecond,
            double prefillTokensPerSecond, long totalMs) {
        this(queueMs, cacheBuildMs, prefillMs, ttftMs, decodeTokensPerSecond, prefillTokensPerSecond, totalMs, null);
    }

    /** These timings with the worker's hops. */
    public Timings withHops(Hops measured) {
        return new Timings(queueMs, cacheBuildMs, prefillMs, ttftMs, decodeTokensPerSecond, prefillTokensPerSecond,
                totalMs, measured);
    }
}
