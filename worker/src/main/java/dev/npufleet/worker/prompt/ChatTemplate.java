package dev.npufleet.worker.prompt;

import dev.npufleet.protocol.ChatMessage;
import java.util.List;
import java.util.Locale;

/**
 * Turns chat messages into the prompt text a model was trained on. Rendered in Java (the
 * runtime's own template is switched off), so that a cache prefix is exactly the beginning of
 * the full prompt. Implementations are immutable; any thread.
 */
public interface ChatTemplate {

    /** Names this template and its version; part of every chat cache's fingerprint. */
    String id();

    /**
     * Renders each message in order; with {@code addGenerationPrompt}, also opens the assistant's
     * turn. Rendering must be per message: {@code render(a + b, g) == render(a, false) + render(b, g)}.
     */
    String render(List<ChatMessage> messages, boolean addGenerationPrompt);

    /**
     * The template of that name.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    static ChatTemplate named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "chatml" -> ChatMlTemplate.INSTANCE;
            default -> throw new IllegalArgumentException("unknown chat template '" + name + "' (known: chatml)");
        };
    }
}
