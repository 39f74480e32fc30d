package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.api.InferenceRequest;
import dev.npufleet.gateway.tenancy.Caller;
import dev.npufleet.gateway.tenancy.RateLimiter;
import dev.npufleet.protocol.ChatMessage;
import java.util.Set;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Applies a gateway's {@link RateLimiter} to requests: one request charged for each route that creates work, the
 * token estimate charged once a chat, completion or async job request is parsed; OpenAI's {@code x-ratelimit-*}
 * headers on the answer, and 429 {@code rate_limit_exceeded} with {@code Retry-After} past a limit. The limiter
 * rides on the request (an attribute) from the handler to the endpoints. Any thread.
 */
final class RateLimits {
    private static final String ATTRIBUTE = "npufleet.limiter";
    /** Routes that create work; reads and polls are not counted. */
    private static final Set<String> CREATING = Set.of("chat_completions", "completions", "job_create", "batch_create",
            "file_upload", "cache_create");
    /** Characters per token assumed for the input estimate (English text with a BPE tokenizer). */
    private static final int CHARS_PER_TOKEN = 4;

    private RateLimits() {
    }

    /** Charges the request if its route creates work. @throws dev.npufleet.gateway.api.ApiException 429 */
    static void chargeRequest(RateLimiter limiter, Request request, org.eclipse.jetty.server.Response response,
            Caller caller, String route) {
        request.setAttribute(ATTRIBUTE, limiter);
        if (route != null && CREATING.contains(route)) {
            apply(limiter.chargeRequest(caller), response.getHeaders());
        }
    }

    /** Charges a parsed request's token estimate. @throws dev.npufleet.gateway.api.ApiException 429 */
    static void chargeTokens(HttpCall call, InferenceRequest request) {
        if (call.request().getAttribute(ATTRIBUTE) instanceof RateLimiter limiter) {
            apply(limiter.chargeTokens(AccessGuard.caller(call), estimate(request)), call.response().getHeaders());
        }
    }

    /** Input characters / 4, plus the most the answer may take. */
    static long estimate(InferenceRequest request) {
        long chars = request.prompt() == null ? 0 : request.prompt().length();
        for (ChatMessage m : request.messages()) {
            chars += m.content().length();
        }
        return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN + (request.params().maxTokens() == null ? 0 : request.params().maxTokens());
    }

    private static void apply(RateLimiter.Decision decision, HttpFields.Mutable headers) {
        if (decision == null) {
            return;
        }
        headers.put("x-ratelimit-limit-" + decision.kind(), Long.toString(decision.limit()));
        headers.put("x-ratelimit-remaining-" + decision.kind(), Long.toString(decision.remaining()));
        headers.put("x-ratelimit-reset-" + decision.kind(), duration(decision.resetMillis()));
        if (!decision.allowed()) {
            headers.put(HttpHeader.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()));
            throw new ApiError(429, decision.kind(), "rate_limit_exceeded", null, "Rate limit reached for "
                    + decision.kind() + " per minute: limit " + decision.limit() + " on this gateway. Retry after "
                    + decision.retryAfterSeconds() + " s.").toException();
        }
    }

    /** OpenAI's form: {@code 120ms}, {@code 1s}, {@code 6m0s}. */
    static String duration(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        long seconds = (millis + 999) / 1000;
        return seconds < 60 ? seconds + "s" : seconds / 60 + "m" + seconds % 60 + "s";
    }
}
