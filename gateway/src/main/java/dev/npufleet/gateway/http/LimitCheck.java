package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.api.InferenceRequest;
import dev.npufleet.gateway.fleet.ServingLimits;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ChatMessage;
import java.nio.charset.StandardCharsets;
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

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
