package dev.npufleet.launcher.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one benchmark request measured. Times in milliseconds from sending the request.
 *
 * @param errorKind null when the request succeeded, else e.g. {@code http_503} or {@code timeout}
 * @param ttftMs first content token (streamed) or the whole answer (not streamed)
 * @param worker the board that served it, when the gateway says
 * @param hops the fleet's per-hop timing of the request (milliseconds by hop name, in path order), as the gateway
 *     returned it ({@code Server-Timing} or the stream's {@code npufleet_timing}); empty when it returned none
 */
public record RequestResult(String errorKind, double ttftMs, double e2eMs, int promptTokens, int completionTokens,
        int cachedTokens, boolean cacheHit, String worker, String route, Map<String, Double> hops) {

    public RequestResult {
        hops = hops == null || hops.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(hops));
    }

    /** A result without hops. */
    public RequestResult(String errorKind, double ttftMs, double e2eMs, int promptTokens, int completionTokens,
            int cachedTokens, boolean cacheHit, String worker, String route) {
        this(errorKind, ttftMs, e2eMs, promptTokens, completionTokens, cachedTokens, cacheHit, worker, route, Map.of());
    }

    public static RequestResult failed(String kind, double e2eMs) {
        return new RequestResult(kind, Double.NaN, e2eMs, 0, 0, 0, false, null, null);
    }

    public boolean ok() {
        return errorKind == null;
    }

    /** Decode rate the client saw: tokens after the first over the time after the first. */
    public double tokensPerSecond() {
        if (completionTokens < 2 || e2eMs <= ttftMs) {
            return Double.NaN;
        }
        return (completionTokens - 1) * 1000.0 / (e2eMs - ttftMs);
    }
}
