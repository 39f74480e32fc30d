package dev.npufleet.gateway.api;

import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.ChatOptions;
import dev.npufleet.protocol.GenerationParams;
import dev.npufleet.protocol.JobKind;
import java.util.List;
import java.util.Objects;

/**
 * A validated {@code /v1/chat/completions} or {@code /v1/completions} request: what the gateway
 * needs from OpenAI's body to make a job. Immutable.
 *
 * @param messages the chat turns ({@link JobKind#CHAT}), else empty
 * @param prompt the raw prompt ({@link JobKind#COMPLETION}), else null
 * @param includeUsage {@code stream_options.include_usage}: send a usage chunk before {@code [DONE]}
 * @param cacheName {@code use_cache}: the named cache whose prefix goes first, or null
 * @param maxTokensParam the field the client set the token limit with, or null when the gateway's default applies
 * @param chat a chat's tools and thinking switch ({@link ChatOptions#NONE} when none), null for a completion
 */
public record InferenceRequest(
        JobKind kind,
        String model,
        List<ChatMessage> messages,
        String prompt,
        boolean stream,
        boolean includeUsage,
        GenerationParams params,
        String cacheName,
        String maxTokensParam,
        ChatOptions chat) {

    public InferenceRequest {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(params, "params");
        messages = messages == null ? List.of() : List.copyOf(messages);
        if (kind == JobKind.CACHE_BUILD) {
            throw new IllegalArgumentException("an inference request is a chat or a completion");
        }
    }

    public InferenceRequest(JobKind kind, String model, List<ChatMessage> messages, String prompt, boolean stream,
            boolean includeUsage, GenerationParams params, String cacheName) {
        this(kind, model, messages, prompt, stream, includeUsage, params, cacheName, null, null);
    }

    public InferenceRequest(JobKind kind, String model, List<ChatMessage> messages, String prompt, boolean stream,
            boolean includeUsage, GenerationParams params, String cacheName, String maxTokensParam) {
        this(kind, model, messages, prompt, stream, includeUsage, params, cacheName, maxTokensParam, null);
    }

    /** The chat options, never null. */
    public ChatOptions chatOptions() {
        return chat == null ? ChatOptions.NONE : chat;
    }

    /** This request with other parameters (a limit applied by the gateway). */
    public InferenceRequest withParams(GenerationParams newParams) {
        return new InferenceRequest(kind, model, messages, prompt, stream, includeUsage, newParams, cacheName,
                maxTokensParam, chat);
    }

    public boolean isChat() {
        return kind == JobKind.CHAT;
    }
}
