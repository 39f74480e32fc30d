package dev.npufleet.protocol;

import java.util.Objects;

/** One chat turn, as in OpenAI's API: role ({@code system}, {@code user}, {@code assistant}, {@code tool}) and text. */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        content = content == null ? "" : content;
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }
}
