package dev.npufleet.worker.prompt;

import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.ChatOptions;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The text a job runs: the full prompt, and the part of it a named cache holds.
 *
 * @param prefix the cache's prefix (the beginning of {@code full}), or null for a job run without a cache
 * @param full what the engine runs
 * @param opensThinking the prompt ends inside an open thinking block: the answer starts with reasoning
 */
public record PromptPlan(String prefix, String full, boolean opensThinking) {

    public PromptPlan {
        if (prefix != null && !full.startsWith(prefix)) {
            // A cache only helps (and stays correct) when its prefix is exactly the prompt's start.
            throw new IllegalArgumentException("the cache prefix is not the start of the prompt");
        }
    }

    public PromptPlan(String prefix, String full) {
        this(prefix, full, false);
    }

    /**
     * Renders a job: a chat through the template, the cache's system turns first (so a cache is answered exactly
     * as the same turns sent in the request); a completion as the cache's prefix then the raw prompt. For
     * {@link JobKind#CACHE_BUILD} the full prompt is the prefix. When the rendering does not start with the
     * cache's prefix (tools in the system turn), {@code prefix} is null and the job runs without the cache.
     *
     * @throws dev.npufleet.worker.engine.InferenceException for tools or tool turns the template cannot render
     */
    public static PromptPlan of(Job job, CacheDefinition cache, ChatTemplate template) {
        String prefix = cache == null ? null : prefixOf(cache, template);
        return switch (job.kind()) {
            case CHAT -> chat(job, cache, prefix, template);
            case COMPLETION -> new PromptPlan(prefix, prefix == null ? job.prompt() : prefix + job.prompt());
            // an embedding job embeds each input on its own (EmbeddingRun), without a prompt
            case CACHE_BUILD, EMBEDDING -> new PromptPlan(prefix, prefix);
        };
    }

    private static PromptPlan chat(Job job, CacheDefinition cache, String prefix, ChatTemplate template) {
        ChatOptions options = job.chatOptions();
        ToolSupport.check(job, template);
        List<ChatMessage> turns = job.messages();
        if (cache != null && cache.isChat()) {
            turns = new ArrayList<>(cache.messages());
            turns.addAll(job.messages());
        }
        Conversation c = new Conversation(turns, options.offersTools() ? options.tools() : List.of(), true,
                options.enableThinking());
        String rendered = template.render(c);
        if (cache != null && !cache.isChat()) {
            rendered = prefix + rendered;
        }
        boolean usable = prefix == null || rendered.startsWith(prefix);
        return new PromptPlan(usable ? prefix : null, rendered, template.opensThinking(c));
    }

    /** The text a cache file holds the KV state of. */
    public static String prefixOf(CacheDefinition cache, ChatTemplate template) {
        return cache.isChat() ? template.prefix(cache.messages()) : cache.prompt();
    }

    /** The id of the rendering a cache's prefix went through (part of its fingerprint). */
    public static String templateIdOf(CacheDefinition cache, ChatTemplate template) {
        return cache.isChat() ? template.id() : "raw";
    }
}
