package dev.npufleet.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class EmbeddedKafkaSettingsTest {

    @Test
    void shouldDefaultToFreePortsATemporaryDirAndFastFailover() {
        EmbeddedKafka.Settings s = EmbeddedKafka.Settings.defaults();
        assertThat(s.port()).isZero();
        assertThat(s.controllerPort()).isZero();
        assertThat(s.dataDir()).isNull();
        assertThat(s.brokerProperties()).isEmpty();
        assertThat(s.fastFailover()).isTrue();
        assertThat(s.readyTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void shouldRejectBadPortsAndTimeouts() {
        assertThatThrownBy(() -> EmbeddedKafka.Settings.defaults().withPort(70_000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmbeddedKafka.Settings.defaults().withControllerPort(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmbeddedKafka.Settings.defaults().withPort(9092).withControllerPort(9092))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmbeddedKafka.Settings.defaults().withReadyTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCopyTheExtraPropertiesAndMergeNewOnes() {
        Map<String, String> extra = new HashMap<>(Map.of("a", "1"));
        EmbeddedKafka.Settings s = new EmbeddedKafka.Settings(0, 0, null, extra, true, null);
        extra.put("b", "2");
        assertThat(s.brokerProperties()).containsOnlyKeys("a");
        assertThat(s.withBrokerProperty("b", "2").brokerProperties()).containsOnly(
                Map.entry("a", "1"), Map.entry("b", "2"));
    }

    @Test
    void shouldSetQuickFailoverOnlyWhenAsked() {
        Properties fast = BrokerConfig.embedded(9092, 9093, Path.of("/tmp/x"), true, Map.of());
        Properties stock = BrokerConfig.embedded(9092, 9093, Path.of("/tmp/x"), false, Map.of());
        assertThat(fast).containsEntry("group.consumer.session.timeout.ms", "6000")
                .containsEntry("group.consumer.heartbeat.interval.ms", "500")
                .containsEntry("group.min.session.timeout.ms", "3000");
        assertThat(stock).doesNotContainKeys("group.consumer.session.timeout.ms", "group.min.session.timeout.ms");
        assertThat(stock).containsEntry("auto.create.topics.enable", "false")
                .containsEntry("log.cleaner.dedupe.buffer.size", "2097152");
    }

    @Test
    void shouldLetExtraPropertiesOverrideTheDefaults() {
        Properties p = BrokerConfig.embedded(9092, 9093, Path.of("/tmp/x"), true,
                Map.of("auto.create.topics.enable", "true"));
        assertThat(p).containsEntry("auto.create.topics.enable", "true")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:9093");
    }
}
