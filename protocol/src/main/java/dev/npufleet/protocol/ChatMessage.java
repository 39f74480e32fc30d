package dev.npufleet.protocol;

import java.util.List;
import java.util.Objects;

/**
 * One chat turn, as in OpenAI's API: role ({@code system}, {@code user}, {@code assistant}, {@code tool}) and text;
 * an assistant turn may carry the tool calls it made, a tool turn the id of the call it answers.
 *
 * @param toolCalls an assistant turn's calls (empty otherwise)
 * @param toolCallId a tool turn's {@code tool_call_id}, or null
 */
public record ChatMessage(String role, String content, List<ToolCall> toolCalls, String toolCallId) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        content = content == null ? "" : content;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public ChatMessage(String role, String content) {
        this(role, content, List.of(), null);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }
}
