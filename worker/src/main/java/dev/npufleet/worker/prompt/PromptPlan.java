package dev.npufleet.worker.prompt;

import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobKind;

/**
 * The text a job runs: the full prompt, and the part of it a named cache holds.
 *
 * @param prefix the cache's prefix (the beginning of {@code full}), or null for a job without a cache
 * @param full what the engine runs
 */
public record PromptPlan(String prefix, String full) {

    public PromptPlan {
        if (prefix != null && !full.startsWith(prefix)) {
            // A cache only helps (and stays correct) when its prefix is exactly the prompt's start.
            throw new IllegalArgumentException("the cache prefix is not the start of the prompt");
        }
    }

    /**
     * Renders a job: the cache's prefix (system messages through the template, or raw prompt
     * text), then the job's own input. For {@link JobKind#CACHE_BUILD} the full prompt is the prefix.
     */
    public static PromptPlan of(Job job, CacheDefinition cache, ChatTemplate template) {
        String prefix = cache == null ? null : prefixOf(cache, template);
        String input = switch (job.kind()) {
            case CHAT -> template.render(job.messages(), true);
            case COMPLETION -> job.prompt();
            case CACHE_BUILD -> "";
        };
        return new PromptPlan(prefix, prefix == null ? input : prefix + input);
    }

    /** The text a cache file holds the KV state of. */
    public static String prefixOf(CacheDefinition cache, ChatTemplate template) {
        return cache.isChat() ? template.render(cache.messages(), false) : cache.prompt();
    }

    /** The id of the rendering a cache's prefix went through (part of its fingerprint). */
    public static String templateIdOf(CacheDefinition cache, ChatTemplate template) {
        return cache.isChat() ? template.id() : "raw";
    }
}
