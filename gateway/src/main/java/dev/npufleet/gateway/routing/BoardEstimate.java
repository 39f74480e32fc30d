package dev.npufleet.gateway.routing;

import java.util.List;

/**
 * One board as the cache-aware policy weighs it for one job.
 *
 * @param partitions the partitions it owns, sorted
 * @param queued jobs ahead of this one: the larger of its reported queue depth and this gateway's jobs in flight there
 * @param load {@code queued / capacity}, the quantity the load bound limits
 * @param serviceMs the mean time one queued job takes there
 * @param prefillTokens what this job would prefill there (its whole prompt, or the part after the cache)
 * @param ttftMs {@code queued * serviceMs + prefillTokens / prefill rate}
 * @param holder holds the job's cache, or will (a build sent there, not in its status yet)
 */
public record BoardEstimate(String board, List<Integer> partitions, long queued, double capacity, double load,
        double serviceMs, double prefillTokens, double ttftMs, boolean holder) {
    public BoardEstimate {
        partitions = List.copyOf(partitions);
    }
}
