package dev.npufleet.gateway.routing;

import java.util.Objects;

/**
 * The job as the policy weighs it.
 *
 * @param cacheName the cache a holder would reuse (named or automatic), or null
 * @param cacheRevision the revision a holder must have; null accepts any (automatic caches)
 * @param promptTokens estimated tokens a board without the cache has to prefill
 * @param prefixTokens of those, the tokens a board holding the cache skips
 */
public record RouteRequest(String model, String routingKey, String cacheName, String cacheRevision,
        double promptTokens, double prefixTokens) {

    public RouteRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(routingKey, "routingKey");
        if (!(promptTokens >= 0) || !(prefixTokens >= 0)) {
            throw new IllegalArgumentException("token estimates must be >= 0");
        }
        prefixTokens = Math.min(prefixTokens, promptTokens);
    }

    /** Turns characters into tokens with {@code charsPerToken} (an estimate used only for weighing). */
    public static RouteRequest of(JobFootprint job, double charsPerToken) {
        return new RouteRequest(job.model(), job.routingKey(), job.cacheName(), job.cacheRevision(),
                job.promptChars() / charsPerToken, job.prefixChars() / charsPerToken);
    }
}
