package dev.npufleet.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingSettingsTest {
    @Test
    void shouldDefaultToCacheAwareRoutingWithTheDocumentedValues() {
        RoutingSettings s = RoutingSettings.defaults();

        assertThat(s.policy()).isEqualTo(RoutingPolicy.CACHE_AWARE);
        assertThat(s.loadFactor()).isEqualTo(1.25);
        assertThat(s.defaultPrefillTps()).isEqualTo(640);
        assertThat(s.defaultDecodeTps()).isEqualTo(33);
        assertThat(s.charsPerToken()).isEqualTo(4);
    }

    @Test
    void shouldReadEveryVariable() {
        RoutingSettings s = RoutingSettings.fromEnv(Map.of("NPUFLEET_ROUTING", " Round-Robin ",
                "NPUFLEET_ROUTING_LOAD_FACTOR", "1.5", "NPUFLEET_ROUTING_PREFILL_TPS", "277",
                "NPUFLEET_ROUTING_DECODE_TPS", "17.2", "NPUFLEET_ROUTING_CHARS_PER_TOKEN", "1"));

        assertThat(s).isEqualTo(new RoutingSettings(RoutingPolicy.ROUND_ROBIN, 1.5, 277, 17.2, 1));
        assertThat(RoutingSettings.fromEnv(Map.of("NPUFLEET_ROUTING", "hash")).policy()).isEqualTo(RoutingPolicy.HASH);
        assertThat(s.describe()).contains("NPUFLEET_ROUTING=round-robin", "NPUFLEET_ROUTING_LOAD_FACTOR=1.5");
    }

    @Test
    void shouldNameTheVariableOfABadValue() {
        assertThatThrownBy(() -> RoutingSettings.fromEnv(Map.of("NPUFLEET_ROUTING", "random")))
                .hasMessageContaining("NPUFLEET_ROUTING").hasMessageContaining("cache-aware, hash, round-robin");
        assertThatThrownBy(() -> RoutingSettings.fromEnv(Map.of("NPUFLEET_ROUTING_LOAD_FACTOR", "0.9")))
                .hasMessageContaining("NPUFLEET_ROUTING_LOAD_FACTOR");
        assertThatThrownBy(() -> RoutingSettings.fromEnv(Map.of("NPUFLEET_ROUTING_PREFILL_TPS", "fast")))
                .hasMessageContaining("NPUFLEET_ROUTING_PREFILL_TPS");
        assertThatThrownBy(() -> RoutingSettings.fromEnv(Map.of("NPUFLEET_ROUTING_CHARS_PER_TOKEN", "0")))
                .hasMessageContaining("NPUFLEET_ROUTING_CHARS_PER_TOKEN");
    }
}
