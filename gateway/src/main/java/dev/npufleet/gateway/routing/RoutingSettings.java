package dev.npufleet.gateway.routing;

import java.util.Locale;
import java.util.Map;

/**
 * The routing part of the gateway's configuration. Immutable; any thread.
 *
 * <p>Environment variables (defaults in brackets):
 * <ul>
 *   <li>{@code NPUFLEET_ROUTING} [{@code cache-aware}]: {@code cache-aware}, {@code hash} or {@code round-robin}</li>
 *   <li>{@code NPUFLEET_ROUTING_LOAD_FACTOR} [{@code 1.25}]: a board is eligible only while its load (queued jobs per
 *       unit of capacity) is at most this times the fleet's mean load, plus one</li>
 *   <li>{@code NPUFLEET_ROUTING_PREFILL_TPS} [{@code 640}] and {@code NPUFLEET_ROUTING_DECODE_TPS} [{@code 33}]: the
 *       prefill and decode rates assumed for a board of capacity 1.0 that has not measured its own yet (an
 *       RK3588 on Qwen3-0.6B)</li>
 *   <li>{@code NPUFLEET_ROUTING_CHARS_PER_TOKEN} [{@code 4}]: characters per prompt token until the gateway has
 *       measured the model's ratio from finished jobs</li>
 * </ul>
 */
public record RoutingSettings(RoutingPolicy policy, double loadFactor, double defaultPrefillTps,
        double defaultDecodeTps, double charsPerToken) {

    public RoutingSettings {
        policy = policy == null ? RoutingPolicy.CACHE_AWARE : policy;
        if (!(loadFactor >= 1) || Double.isInfinite(loadFactor)) {
            throw new IllegalArgumentException("NPUFLEET_ROUTING_LOAD_FACTOR must be a number >= 1, was " + loadFactor);
        }
        requirePositive("NPUFLEET_ROUTING_PREFILL_TPS", defaultPrefillTps);
        requirePositive("NPUFLEET_ROUTING_DECODE_TPS", defaultDecodeTps);
        requirePositive("NPUFLEET_ROUTING_CHARS_PER_TOKEN", charsPerToken);
    }

    public static RoutingSettings defaults() {
        return fromEnv(Map.of());
    }

    /** @throws IllegalArgumentException naming the variable whose value is malformed or out of range */
    public static RoutingSettings fromEnv(Map<String, String> env) {
        String policy = env.get("NPUFLEET_ROUTING");
        return new RoutingSettings(
                policy == null || policy.isBlank() ? RoutingPolicy.CACHE_AWARE : RoutingPolicy.parse(policy),
                number(env, "NPUFLEET_ROUTING_LOAD_FACTOR", 1.25),
                number(env, "NPUFLEET_ROUTING_PREFILL_TPS", 640),
                number(env, "NPUFLEET_ROUTING_DECODE_TPS", 33),
                number(env, "NPUFLEET_ROUTING_CHARS_PER_TOKEN", 4));
    }

    /** One fragment of the start-up log line. */
    public String describe() {
        return String.format(Locale.ROOT, "routing=%s loadFactor=%s prefillTps=%s decodeTps=%s charsPerToken=%s",
                policy.configName(), loadFactor, defaultPrefillTps, defaultDecodeTps, charsPerToken);
    }

    private static double number(Map<String, String> env, String name, double fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, was '" + value + "'", e);
        }
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a positive number, was " + value);
        }
    }
}
