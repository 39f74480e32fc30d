package dev.npufleet.worker.cache;

import dev.npufleet.protocol.Job;
import dev.npufleet.worker.engine.InferenceException;
import dev.npufleet.worker.prompt.ChatTemplate;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic prompt caches for repeated system prompts. A chat job without a named cache whose
 * system prompt ({@link SystemPrefix}) this board has seen {@code after} times within the window
 * builds a cache of that prefix (the system messages rendered by the chat template: exactly the
 * start of the job's prompt) and runs with it loaded; every later job with that system prompt
 * loads the file while it lasts. The cache is named {@code auto-<16 hex>} after the routing key's
 * hash, and its revision is a hash of template and prefix, so the same prefix always maps to the
 * same file (also across restarts). Files go through the same {@link CacheStore} as named caches
 * (fingerprint, manifest, LRU, disk bound), never pinned, with their own count bound.
 *
 * <p>Job thread only (it drives the engine through {@link PromptCaches}).
 */
public final class AutoCaches {

    private static final Logger LOG = LoggerFactory.getLogger(AutoCaches.class);

    /** Distinct system prompts counted at once; beyond, the least recently seen is forgotten. */
    static final int MAX_TRACKED = 4096;

    /**
     * A job that runs with its automatic cache loaded.
     *
     * @param prefix the cached prefix (the start of the job's prompt)
     * @param prepared the cache; {@code built} when this job built it
     */
    public record Applied(String prefix, PromptCaches.Prepared prepared) {
    }

    private final PromptCaches caches;
    private final ChatTemplate template;
    private final PrefixSightings sightings;
    private final Clock clock;

    /**
     * @param after sightings within {@code window} that earn a system prompt its cache; 0 = off
     */
    public AutoCaches(PromptCaches caches, ChatTemplate template, int after, Duration window, Clock clock) {
        if (after < 0) {
            throw new IllegalArgumentException("after must be 0 (off) or more: " + after);
        }
        this.caches = caches;
        this.template = template;
        this.sightings = after == 0 ? null : new PrefixSightings(after, window, MAX_TRACKED);
        this.clock = clock;
    }

    /** Automatic caches switched off. */
    public static AutoCaches off(PromptCaches caches, ChatTemplate template) {
        return new AutoCaches(caches, template, 0, Duration.ofMinutes(1), Clock.systemUTC());
    }

    public boolean enabled() {
        return sightings != null;
    }

    /**
     * For a job without a named cache: loads its system prompt's automatic cache when this board
     * holds one, or builds it when the prompt has now been seen often enough. Otherwise (off, no
     * system prompt, not repeated yet) returns empty and loads nothing; the caller releases any
     * loaded cache. A failed build does not fail the job: it runs without a cache.
     *
     * @param fullPrompt the job's rendered prompt
     * @throws PromptCaches.BuildAborted when the job was aborted while its cache was being built
     */
    public Optional<Applied> apply(Job job, String fullPrompt) {
        if (sightings == null) {
            return Optional.empty();
        }
        Optional<SystemPrefix> system = SystemPrefix.of(job);
        if (system.isEmpty()) {
            return Optional.empty();
        }
        String name = system.get().cacheName();
        String prefix = template.prefix(system.get().messages());
        if (!fullPrompt.startsWith(prefix)) {
            // Tools the template puts in the system turn, say: a cache that is not the prompt's start would be wrong.
            LOG.atDebug().addKeyValue("cache", name).log("System prefix is not the start of the prompt; no cache");
            return Optional.empty();
        }
        String revision = revisionOf(template.id(), prefix);
        boolean held = caches.holds(name, revision, prefix, template.id());
        if (!held && !sightings.sight(system.get().hash(), clock.millis())) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Applied(prefix,
                    caches.use(CacheDefinitionInfo.automatic(name), revision, prefix, template.id())));
        } catch (PromptCaches.BuildAborted e) {
            throw e;
        } catch (InferenceException e) {
            LOG.atWarn().addKeyValue("jobId", job.id()).addKeyValue("cache", name)
                    .log("Automatic cache not usable, running without it: {}", e.getMessage());
            caches.useNone();
            return Optional.empty();
        }
    }

    /** Same template and prefix, same revision: the file name is stable for a prefix. */
    static String revisionOf(String templateId, String prefix) {
        return CacheFingerprint.sha256(templateId + "\n" + prefix).substring(0, 32);
    }
}
