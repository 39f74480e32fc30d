package dev.npufleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.npufleet.gateway.config.FleetConfig;
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

        assertThat(config.kafka().cluster().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.http().host()).isEqualTo("0.0.0.0");
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.fleet().models()).containsExactly("qwen3-0.6b-sim");
        assertThat(config.kafka().cluster().topicPrefix()).isEmpty();
        assertThat(config.requests().timeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.requests().maxBodyBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(config.requests().defaultMaxTokens()).isEqualTo(512);
        assertThat(config.kafka().timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.kafka().jobPartitions()).isEqualTo(16);
        assertThat(config.fleet().workerStaleAfter()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.http().sseKeepAlive()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.kafka().gatewayId()).isNotBlank();
        assertThat(config.routing()).isEqualTo(RoutingSettings.defaults());
        assertThat(config.requests().jobTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(config.requests().maxFileBytes()).isEqualTo(16 * 1024 * 1024);
    }

    @Test
    void shouldBoundTheUploadSizeByWhatTheFilesTopicTakes() {
        assertThat(GatewayConfig.fromEnv(Map.of("NPUFLEET_MAX_FILE_BYTES", "1024")).requests().maxFileBytes()).isEqualTo(1024);
        assertThatThrownBy(() -> GatewayConfig.fromEnv(Map.of("NPUFLEET_MAX_FILE_BYTES", "16777217")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NPUFLEET_MAX_FILE_BYTES");
        assertThatThrownBy(() -> GatewayConfig.fromEnv(Map.of("NPUFLEET_MAX_FILE_BYTES", "-1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NPUFLEET_MAX_FILE_BYTES");
    }

    @Test
    void shouldReadTheJobTtlAsADurationWithAUnit() {
        assertThat(GatewayConfig.fromEnv(Map.of("NPUFLEET_JOB_TTL", "90m")).requests().jobTtl()).isEqualTo(Duration.ofMinutes(90));
        assertThat(GatewayConfig.fromEnv(Map.of("NPUFLEET_JOB_TTL", "2d")).requests().jobTtl()).isEqualTo(Duration.ofDays(2));
        assertThat(GatewayConfig.fromEnv(Map.of("NPUFLEET_JOB_TTL", "1500")).requests().jobTtl()).isEqualTo(Duration.ofMillis(1500));
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

        assertThat(config.kafka().cluster().bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(config.http().host()).isEqualTo("127.0.0.1");
        assertThat(config.http().port()).isZero();
        assertThat(config.fleet().models()).containsExactly("a", "b");
        assertThat(config.kafka().topics().events()).isEqualTo("staging.npu.events");
        assertThat(config.requests().timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.requests().maxBodyBytes()).isEqualTo(100);
        assertThat(config.requests().defaultMaxTokens()).isEqualTo(64);
        assertThat(config.kafka().timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.kafka().jobPartitions()).isEqualTo(4);
        assertThat(config.kafka().gatewayId()).isEqualTo("gw-1");
        assertThat(config.fleet().workerStaleAfter()).isEqualTo(Duration.ofSeconds(9));
        assertThat(config.http().sseKeepAlive()).isEqualTo(Duration.ofMillis(700));
        assertThat(config.routing().policy()).isEqualTo(RoutingPolicy.HASH);
    }

    @Test
    void shouldPassKafkaClientPropertiesThroughAndHideSecretsInTheLog() {
        GatewayConfig config = GatewayConfig.fromEnv(Map.of(
                "NPUFLEET_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "NPUFLEET_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka... password=\"hunter2\";",
                "NPUFLEET_KAFKA_TIMEOUT_MS", "2000"));

        assertThat(config.kafka().cluster().clientOverrides()).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.jaas.config", "org.apache.kafka... password=\"hunter2\";"));
        assertThat(config.kafka().timeout().toMillis()).isEqualTo(2000);
        assertThat(dev.npufleet.gateway.kafka.KafkaProps.producer(config.kafka()).getProperty("security.protocol"))
                .isEqualTo("SASL_SSL");
        assertThat(config.describe()).contains("security.protocol=SASL_SSL").doesNotContain("hunter2");
    }

    @Test
    void shouldFallBackToKafkaBootstrapServers() {
        assertThat(GatewayConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "ext:9092")).kafka().cluster().bootstrapServers())
                .isEqualTo("ext:9092");
        assertThat(GatewayConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "ext:9092",
                "NPUFLEET_BOOTSTRAP_SERVERS", "own:9092")).kafka().cluster().bootstrapServers()).isEqualTo("own:9092");
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

        assertThat(config.describe()).contains("NPUFLEET_GATEWAY_ID=gw-9", "NPUFLEET_BOOTSTRAP_SERVERS=localhost:9092",
                "NPUFLEET_MODELS=[qwen3-0.6b-sim]", "NPUFLEET_ROUTING=cache-aware");
    }

    @Test
    void shouldCopyTheModelList() {
        List<String> models = new java.util.ArrayList<>(List.of("m"));
        FleetConfig fleet = new FleetConfig(models, Duration.ofSeconds(1));
        models.add("other");

        assertThat(fleet.models()).containsExactly("m");
    }

    @Test
    void shouldShowNoKafkaSecretAndNoApiKeyInItsDescriptionOrToString() {
        GatewayConfig config = GatewayConfig.fromEnv(Map.of("NPUFLEET_KAFKA_SSL_KEYSTORE_KEY", "-----BEGIN PRIVATE",
                "NPUFLEET_KAFKA_SASL_JAAS_CONFIG", "user=u password=hunter2", "NPUFLEET_API_KEYS", "sk-live-123:admin",
                "NPUFLEET_KAFKA_SECURITY_PROTOCOL", "SSL"));

        assertThat(config.describe()).contains("security.protocol=SSL").doesNotContain("BEGIN PRIVATE")
                .doesNotContain("hunter2").doesNotContain("sk-live-123");
        assertThat(config.toString()).doesNotContain("BEGIN PRIVATE").doesNotContain("sk-live-123");
        assertThat(config.tenancy().toString()).doesNotContain("sk-live-123");
    }
}
