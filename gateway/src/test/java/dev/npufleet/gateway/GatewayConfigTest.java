package dev.npufleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.npufleet.gateway.routing.RoutingPolicy;
import dev.npufleet.gateway.routing.RoutingSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    @Test
    void shouldUseTheDocumentedDefaultsForAnEmptyEnvironment() {
        GatewayConfig config = GatewayConfig.fromEnv(Map.of());

        assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.httpHost()).isEqualTo("0.0.0.0");
        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.models()).containsExactly("qwen3-0.6b-sim");
        assertThat(config.topicPrefix()).isEmpty();
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.maxBodyBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(config.defaultMaxTokens()).isEqualTo(512);
        assertThat(config.kafkaTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.jobPartitions()).isEqualTo(16);
        assertThat(config.workerStaleAfter()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.sseKeepAlive()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.gatewayId()).isNotBlank();
        assertThat(config.routing()).isEqualTo(RoutingSettings.defaults());
        assertThat(config.jobTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(config.maxFileBytes()).isEqualTo(16 * 1024 * 1024);
    }

    @Test
    void shouldBoundTheUploadSizeByWhatTheFilesTopicTakes() {
        assertThat(GatewayConfig.fromEnv(Map.of("NPUFLEET_MAX_FILE_BYTES", "1024")).maxFileBytes()).isEqualTo(1024);
        assertThatThrownBy(() -> GatewayConfig.fromEnv(Map.of("NPUFLEET_MAX_FILE_BYTES", "16777217")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NPUFLEET_MAX_FILE_BYTES");
        assertThatThrownBy(() -> GatewayConfig.fromEnv(Map.of("NPUFLEET_MAX_FILE_BYTES", "-1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NPUFLEET_MAX_FILE_BYTES");
    }

    @Test
    void shouldReadTheJobTtlAsADurationWithAUnit() {
        assertThat(GatewayConfig.fromEnv(Map.of("NPUFLEET_JOB_TTL", "90m")).jobTtl()).isEqualTo(Duration.ofMinutes(90));
        assertThat(GatewayConfig.fromEnv(Map.of("NPUFLEET_JOB_TTL", "2d")).jobTtl()).isEqualTo(Duration.ofDays(2));
        assertThat(GatewayConfig.fromEnv(Map.of("NPUFLEET_JOB_TTL", "1500")).jobTtl()).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> GatewayConfig.fromEnv(Map.of("NPUFLEET_JOB_TTL", "soon")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NPUFLEET_JOB_TTL");
        assertThatThrownBy(() -> GatewayConfig.fromEnv(Map.of("NPUFLEET_JOB_TTL", "0h")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NPUFLEET_JOB_TTL");
    }

    @Test
    void shouldReadEveryVariable() {
        GatewayConfig config = GatewayConfig.fromEnv(Map.ofEntries(
                Map.entry("NPUFLEET_BOOTSTRAP_SERVERS", "k1:9092,k2:9092"),
                Map.entry("NPUFLEET_HTTP_HOST", "127.0.0.1"),
                Map.entry("NPUFLEET_HTTP_PORT", "0"),
                Map.entry("NPUFLEET_MODELS", " a , b,,a "),
                Map.entry("NPUFLEET_TOPIC_PREFIX", "staging."),
                Map.entry("NPUFLEET_REQUEST_TIMEOUT_MS", "1500"),
                Map.entry("NPUFLEET_MAX_BODY_BYTES", "100"),
                Map.entry("NPUFLEET_DEFAULT_MAX_TOKENS", "64"),
                Map.entry("NPUFLEET_KAFKA_TIMEOUT_MS", "2000"),
                Map.entry("NPUFLEET_JOB_PARTITIONS", "4"),
                Map.entry("NPUFLEET_GATEWAY_ID", "gw-1"),
                Map.entry("NPUFLEET_WORKER_STALE_MS", "9000"),
                Map.entry("NPUFLEET_SSE_KEEPALIVE_MS", "700"),
                Map.entry("NPUFLEET_ROUTING", "hash")));

        assertThat(config.bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(config.httpHost()).isEqualTo("127.0.0.1");
        assertThat(config.httpPort()).isZero();
        assertThat(config.models()).containsExactly("a", "b");
        assertThat(config.topics().events()).isEqualTo("staging.npu.events");
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.maxBodyBytes()).isEqualTo(100);
        assertThat(config.defaultMaxTokens()).isEqualTo(64);
        assertThat(config.kafkaTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.jobPartitions()).isEqualTo(4);
        assertThat(config.gatewayId()).isEqualTo("gw-1");
        assertThat(config.workerStaleAfter()).isEqualTo(Duration.ofSeconds(9));
        assertThat(config.sseKeepAlive()).isEqualTo(Duration.ofMillis(700));
        assertThat(config.routing().policy()).isEqualTo(RoutingPolicy.HASH);
    }

    @Test
    void shouldPassKafkaClientPropertiesThroughAndHideSecretsInTheLog() {
        GatewayConfig config = GatewayConfig.fromEnv(Map.of(
                "NPUFLEET_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "NPUFLEET_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka... password=\"hunter2\";",
                "NPUFLEET_KAFKA_TIMEOUT_MS", "2000"));

        assertThat(config.kafkaProperties()).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.jaas.config", "org.apache.kafka... password=\"hunter2\";"));
        assertThat(config.kafkaTimeout().toMillis()).isEqualTo(2000);
        assertThat(dev.npufleet.gateway.kafka.KafkaProps.producer(config).getProperty("security.protocol"))
                .isEqualTo("SASL_SSL");
        assertThat(config.describe()).contains("security.protocol=SASL_SSL").doesNotContain("hunter2");
    }

    @Test
    void shouldFallBackToKafkaBootstrapServers() {
        assertThat(GatewayConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "ext:9092")).bootstrapServers())
                .isEqualTo("ext:9092");
        assertThat(GatewayConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "ext:9092",
                "NPUFLEET_BOOTSTRAP_SERVERS", "own:9092")).bootstrapServers()).isEqualTo("own:9092");
    }

    @Test
    void shouldNameTheVariableOfAMalformedValue() {
        assertThatThrownBy(() -> GatewayConfig.fromEnv(Map.of("NPUFLEET_HTTP_PORT", "eighty")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NPUFLEET_HTTP_PORT");
        assertThatThrownBy(() -> GatewayConfig.fromEnv(Map.of("NPUFLEET_REQUEST_TIMEOUT_MS", "0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NPUFLEET_REQUEST_TIMEOUT_MS");
        assertThatThrownBy(() -> GatewayConfig.fromEnv(Map.of("NPUFLEET_HTTP_PORT", "70000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NPUFLEET_HTTP_PORT");
        assertThatThrownBy(() -> GatewayConfig.fromEnv(Map.of("NPUFLEET_TOPIC_PREFIX", "a/b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
    }

    @Test
    void shouldDescribeItselfForTheStartLog() {
        GatewayConfig config = GatewayConfig.fromEnv(Map.of("NPUFLEET_GATEWAY_ID", "gw-9"));

        assertThat(config.describe()).contains("gatewayId=gw-9", "bootstrap=localhost:9092", "models=[qwen3-0.6b-sim]",
                "routing=cache-aware");
    }

    @Test
    void shouldCopyTheModelList() {
        List<String> models = new java.util.ArrayList<>(List.of("m"));
        GatewayConfig config = new GatewayConfig(null, null, 1, models, null, null, 1, 1, null, 1, null, null, null, null, null, null, 0);
        models.add("other");

        assertThat(config.models()).containsExactly("m");
    }
}
