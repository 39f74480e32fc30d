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
 */
public record Timings(
        long queueMs,
        long cacheBuildMs,
        double prefillMs,
        double ttftMs,
        double decodeTokensPerSecond,
        double prefillTokensPerSecond,
        long totalMs) {
}
