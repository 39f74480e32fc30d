package dev.npufleet.worker.prompt;

import dev.npufleet.protocol.ChatMessage;
import java.util.List;

/**
 * Turns chat messages into the prompt text a model was trained on. Rendered in Java (the runtime's
 * own template is switched off), so that a cache prefix is exactly the beginning of the full prompt.
 * Implementations are immutable; any thread.
 */
public interface ChatTemplate {

    /** Names this template and its version; part of every chat cache's fingerprint. */
    String id();

    /** The whole prompt of a conversation. */
    String render(Conversation conversation);

    /** {@link #render(Conversation)} without tools or thinking switch. */
    default String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(Conversation.of(messages, addGenerationPrompt));
    }

    /**
     * The text every conversation starting with {@code leading} (a cache's system turns) and offering no tools
     * begins with: what a cache file holds. A conversation whose rendering does not start with it (tools that
     * the template puts in the system turn, say) is run without the cache.
     */
    default String prefix(List<ChatMessage> leading) {
        return render(leading, false);
    }

    /** Whether the template can put tools in the prompt and render tool calls and results. */
    default boolean takesTools() {
        return false;
    }

    /** Whether {@link Conversation#enableThinking()} switches anything (Qwen3-style thinking). */
    default boolean switchesThinking() {
        return false;
    }

    /**
     * Whether the prompt ends inside an open thinking block (the template writes {@code <think>} itself), so the
     * answer's text up to {@code </think>} is reasoning.
     */
    default boolean opensThinking(Conversation conversation) {
        return false;
    }

    /**
     * The template of that name (see {@link ChatTemplates}).
     *
     * @throws IllegalArgumentException for an unknown name
     */
    static ChatTemplate named(String name) {
        return ChatTemplates.named(name);
    }
}
