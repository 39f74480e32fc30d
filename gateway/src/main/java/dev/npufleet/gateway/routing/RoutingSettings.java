package dev.npufleet.gateway.routing;

import static dev.npufleet.protocol.config.Checks.positive;

import dev.npufleet.protocol.config.ConfigValues;
import dev.npufleet.protocol.config.EnvReader;
import dev.npufleet.protocol.config.Setting;
import java.util.Map;
import java.util.Objects;

/**
 * The routing part of the gateway's configuration: the policy, the load bound, and the estimates a
 * router uses until boards and jobs have measured their own. Immutable; any thread.
 */
public record RoutingSettings(RoutingPolicy policy, double loadFactor, double defaultPrefillTps,
        double defaultDecodeTps, double charsPerToken) {

    public static final Setting POLICY = Setting.of("NPUFLEET_ROUTING", "cache-aware",
            "`cache-aware` (cache holder unless over the load bound, lowest estimated TTFT), `hash` (Kafka's key "
                    + "hash) or `round-robin`");
    public static final Setting LOAD_FACTOR = Setting.of("NPUFLEET_ROUTING_LOAD_FACTOR", "1.25",
            "a board takes jobs while its load (queued jobs per unit of capacity) ≤ this × the mean load + 1");
    public static final Setting PREFILL_TPS = Setting.of("NPUFLEET_ROUTING_PREFILL_TPS", "640",
            "prefill rate assumed for a board (capacity 1.0) until it reports its own (an RK3588 on Qwen3-0.6B)");
    public static final Setting DECODE_TPS = Setting.of("NPUFLEET_ROUTING_DECODE_TPS", "33",
            "decode rate assumed likewise");
    public static final Setting CHARS_PER_TOKEN = Setting.of("NPUFLEET_ROUTING_CHARS_PER_TOKEN", "4",
            "prompt size estimate until measured from finished jobs");

    public RoutingSettings {
        Objects.requireNonNull(policy, "policy");
        if (!(loadFactor >= 1) || Double.isInfinite(loadFactor)) {
            throw new IllegalArgumentException(LOAD_FACTOR.name() + " must be a number >= 1, was " + loadFactor);
        }
        positive(PREFILL_TPS, defaultPrefillTps);
        positive(DECODE_TPS, defaultDecodeTps);
        positive(CHARS_PER_TOKEN, charsPerToken);
    }

    public static RoutingSettings defaults() {
        return fromEnv(Map.of());
    }

    /** @throws IllegalArgumentException naming the variable whose value is malformed or out of range */
    public static RoutingSettings fromEnv(Map<String, String> env) {
        return read(new EnvReader(env));
    }

    public static RoutingSettings read(EnvReader env) {
        return new RoutingSettings(env.parsed(POLICY, RoutingPolicy::parse), env.decimal(LOAD_FACTOR),
                env.decimal(PREFILL_TPS), env.decimal(DECODE_TPS), env.decimal(CHARS_PER_TOKEN));
    }

    /** One fragment of the start-up log line. */
    public String describe() {
        ConfigValues v = new ConfigValues();
        describeTo(v);
        return v.line();
    }

    public void describeTo(ConfigValues values) {
        values.add(POLICY, policy.configName()).add(LOAD_FACTOR, loadFactor).add(PREFILL_TPS, defaultPrefillTps)
                .add(DECODE_TPS, defaultDecodeTps).add(CHARS_PER_TOKEN, charsPerToken);
    }
}
