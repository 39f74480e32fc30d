package dev.npufleet.worker.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.ChatMessage;
import java.util.List;

/**
 * What a chat template renders: the turns, the tools offered (empty: none), whether to open the
 * assistant's answer, and the thinking switch (null: the template's default). Immutable.
 */
public record Conversation(List<ChatMessage> messages, List<JsonNode> tools, boolean addGenerationPrompt,
        Boolean enableThinking) {

    public Conversation {
        messages = List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    public static Conversation of(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return new Conversation(messages, List.of(), addGenerationPrompt, null);
    }

    boolean startsWithSystem() {
        return !messages.isEmpty() && messages.get(0).role().equals("system");
    }

    boolean hasTools() {
        return !tools.isEmpty();
    }
}
