package dev.npufleet.gateway.routing;

import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobKind;
import java.util.List;
import java.util.Objects;

/**
 * What routing needs to know of a job: its key, the cache it can reuse, and how big its prompt is, in
 * characters (turned into tokens with a measured ratio, see {@link JobShapes}).
 *
 * @param cacheName the named cache the job uses or builds; for a job keyed by its system prompt, the
 *     automatic cache a worker keeps for it ({@code auto-<16 hex>}); else null
 * @param cacheRevision the named cache's revision (a board holding another one does not hold it); null for an
 *     automatic cache, whose revision is the worker's business
 * @param promptChars characters the runtime has to take in: cache prefix, messages or prompt
 * @param prefixChars of those, the characters a board holding the cache does not have to prefill
 */
public record JobFootprint(String model, String routingKey, JobKind kind, String cacheName, String cacheRevision,
        long promptChars, long prefixChars) {

    /** The prefix of automatic system-prompt caches in {@code WorkerStatus.caches}. */
    public static final String AUTO_CACHE_PREFIX = "auto-";

    public JobFootprint {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(routingKey, "routingKey");
        Objects.requireNonNull(kind, "kind");
        if (promptChars < 0 || prefixChars < 0 || prefixChars > promptChars) {
            throw new IllegalArgumentException("need 0 <= prefixChars <= promptChars");
        }
    }

    /** @param routingKey the job's record key ({@code RoutingKeys.forJob}) */
    public static JobFootprint of(Job job, String routingKey) {
        if (job.cache() != null) {
            CacheDefinition def = job.cache().definition();
            long prefix = def == null ? 0 : def.isChat() ? chars(def.messages()) : def.prompt().length();
            // a build computes the whole prefix wherever it runs: nothing in it is skipped by a holder
            boolean build = job.kind() == JobKind.CACHE_BUILD;
            return new JobFootprint(job.model(), routingKey, job.kind(), job.cache().name(),
                    def == null ? null : def.revision(), prefix + (build ? 0 : inputChars(job)), build ? 0 : prefix);
        }
        String autoCache = autoCacheName(job.model(), routingKey);
        long system = autoCache == null ? 0 : systemChars(job.messages());
        return new JobFootprint(job.model(), routingKey, job.kind(), autoCache, null, inputChars(job), system);
    }

    /**
     * The automatic cache's name for a key {@code model/sys:<16 hex>}: {@code auto-<the same hex>}; null for
     * other keys.
     */
    public static String autoCacheName(String model, String routingKey) {
        String marker = model + "/sys:";
        return routingKey.startsWith(marker) ? AUTO_CACHE_PREFIX + routingKey.substring(marker.length()) : null;
    }

    public boolean namesCache() {
        return cacheName != null && cacheRevision != null;
    }

    private static long inputChars(Job job) {
        return job.kind() == JobKind.COMPLETION ? job.prompt().length() : chars(job.messages());
    }

    /** Characters of the leading system turns (what an automatic cache holds). */
    private static long systemChars(List<ChatMessage> messages) {
        long n = 0;
        for (ChatMessage m : messages) {
            if (!m.role().equals("system")) {
                break;
            }
            n += m.content().length();
        }
        return n;
    }

    private static long chars(List<ChatMessage> messages) {
        long n = 0;
        for (ChatMessage m : messages) {
            n += m.content().length();
        }
        return n;
    }
}
