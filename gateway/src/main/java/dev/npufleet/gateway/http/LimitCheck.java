package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.api.InferenceRequest;
import dev.npufleet.gateway.fleet.ServingLimits;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ChatMessage;
import java.util.OptionalInt;

/**
 * Refuses, before publishing, what no board of the model could run: a token limit above the boards'
 * ({@code invalid_value}) and a prompt that cannot fit their context ({@code context_length_exceeded},
 * from a lower bound of its tokens: its bytes over the tokenizer's most bytes per token, template
 * not counted, so a prompt refused here is certainly too long). A request without a token limit gets
 * the gateway's default, lowered to the boards'. What the fleet cannot tell, the board checks.
 * Stateless; any thread.
 */
final class LimitCheck {
    private LimitCheck() {
    }

    /** @return the request, its default token limit lowered where needed */
    static InferenceRequest apply(InferenceRequest request, CacheDefinition cache, ServingLimits limits) {
        Integer maxTokens = request.params().maxTokens();
        OptionalInt boardMax = limits.maxNewTokens();
        if (boardMax.isPresent() && maxTokens != null && maxTokens > boardMax.getAsInt()) {
            if (request.maxTokensParam() != null) {
                throw ErrorMapping.maxTokensTooLarge(request.maxTokensParam(), maxTokens, boardMax.getAsInt())
                        .toException();
            }
            request = request.withParams(request.params().withMaxTokens(boardMax.getAsInt()));
        }
        OptionalInt least = limits.leastTokens(promptBytes(request, cache));
        if (least.isPresent() && limits.maxContext().isPresent() && least.getAsInt() >= limits.maxContext().getAsInt()) {
            throw ErrorMapping.contextLengthExceeded(limits.maxContext().getAsInt(),
                    "at least " + least.getAsInt()).toException();
        }
        return request;
    }

    private static long promptBytes(InferenceRequest request, CacheDefinition cache) {
        long bytes = request.prompt() == null ? 0 : utf8(request.prompt());
        for (ChatMessage m : request.messages()) {
            bytes += utf8(m.content());
        }
        if (cache != null) {
            bytes += cache.prompt() != null ? utf8(cache.prompt()) : 0;
            for (ChatMessage m : cache.messages()) {
                bytes += utf8(m.content());
            }
        }
        return bytes;
    }

    /**
     * The length of {@code s} in UTF-8, counted without encoding it (no copy of the prompt on each request's path):
     * a surrogate pair is 4 bytes, a lone surrogate 1 (the encoder's '?'), as {@code getBytes(UTF_8)} gives.
     */
    static long utf8(String s) {
        long bytes = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 2; // 4 bytes for the two chars
                i++;
            } else if (!Character.isSurrogate(c)) {
                bytes += 2;
            }
        }
        return bytes;
    }
}
