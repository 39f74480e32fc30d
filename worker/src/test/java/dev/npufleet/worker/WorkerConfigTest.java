package dev.npufleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.npufleet.worker.job.RerunMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

    @Test
    void shouldApplyDefaultsForAnEmptyEnvironment() {
        WorkerConfig c = WorkerConfig.fromEnv(Map.of("NPUFLEET_WORKER_ID", "board-1"));

        assertThat(c.kafka().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(c.identity().model()).isEqualTo("qwen3-0.6b-sim");
        assertThat(c.runtime().usesSimulator()).isTrue();
        assertThat(c.runtime().simModelPreset()).isEqualTo("demo");
        assertThat(c.runtime().abi()).isEqualTo("auto");
        assertThat(c.kafka().topicPrefix()).isEmpty();
        assertThat(c.identity().stateDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".npufleet", "worker", "board-1"));
        assertThat(c.cache().dir()).isEqualTo(c.identity().stateDir().resolve("caches"));
        assertThat(c.runtime().modelPath()).isEqualTo(c.identity().stateDir().resolve("models/qwen3-0.6b-sim-demo.simmodel"));
        assertThat(c.cache().maxBytes()).isEqualTo(2L << 30);
        assertThat(c.runtime().maxContext()).isEqualTo(4096);
        assertThat(c.runtime().maxNewTokens()).isEqualTo(512);
        assertThat(c.loop().heartbeat()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.loop().sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.loop().staticMembership()).isTrue();
        assertThat(c.identity().capacity()).isEqualTo(1.0);
        assertThat(c.jobs().maxAttempts()).isEqualTo(3);
        assertThat(c.loop().metricsPort()).isZero();
        assertThat(c.jobs().partitions()).isEqualTo(16);
        assertThat(c.loop().drainTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.runtime().chatTemplate()).isEqualTo("chatml");
        assertThat(c.cache().autoAfter()).isEqualTo(2);
        assertThat(c.cache().autoWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.cache().autoMax()).isEqualTo(8);
        assertThat(c.loop().statusMinInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.kafka().clientOverrides()).isEmpty();
    }

    @Test
    void shouldReadEveryVariable() {
        WorkerConfig c = WorkerConfig.fromEnv(Map.ofEntries(
                Map.entry("NPUFLEET_BOOTSTRAP_SERVERS", "k1:9092,k2:9092"),
                Map.entry("NPUFLEET_WORKER_ID", "rk-07"),
                Map.entry("NPUFLEET_MODEL", "qwen3:0.6b"),
                Map.entry("NPUFLEET_MODEL_PATH", "/models/q.rkllm"),
                Map.entry("NPUFLEET_RUNTIME_LIBRARY", "/usr/lib/librkllmrt.so"),
                Map.entry("NPUFLEET_RKLLM_ABI", "1.2.1"),
                Map.entry("NPUFLEET_TOPIC_PREFIX", "staging."),
                Map.entry("NPUFLEET_STATE_DIR", "/var/lib/npufleet"),
                Map.entry("NPUFLEET_CACHE_DIR", "/data/caches"),
                Map.entry("NPUFLEET_CACHE_MAX_BYTES", "512m"),
                Map.entry("NPUFLEET_MAX_CONTEXT", "2048"),
                Map.entry("NPUFLEET_MAX_NEW_TOKENS", "64"),
                Map.entry("NPUFLEET_HEARTBEAT_MS", "500"),
                Map.entry("NPUFLEET_SESSION_TIMEOUT_MS", "6000"),
                Map.entry("NPUFLEET_STATIC_MEMBERSHIP", "false"),
                Map.entry("NPUFLEET_CAPACITY", "0.5"),
                Map.entry("NPUFLEET_MAX_ATTEMPTS", "5"),
                Map.entry("NPUFLEET_METRICS_PORT", "9464"),
                Map.entry("NPUFLEET_JOB_PARTITIONS", "4"),
                Map.entry("NPUFLEET_DRAIN_TIMEOUT_MS", "1500"),
                Map.entry("NPUFLEET_CACHE_LOOKUP_MS", "300"),
                Map.entry("NPUFLEET_AUTO_CACHE_AFTER", "3"),
                Map.entry("NPUFLEET_AUTO_CACHE_WINDOW_MS", "60000"),
                Map.entry("NPUFLEET_AUTO_CACHE_MAX", "4"),
                Map.entry("NPUFLEET_STATUS_MIN_INTERVAL_MS", "100"),
                Map.entry("NPUFLEET_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")));

        assertThat(c.kafka().bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(c.identity().workerId()).isEqualTo("rk-07");
        assertThat(c.identity().model()).isEqualTo("qwen3:0.6b");
        assertThat(c.runtime().modelPath()).isEqualTo(Path.of("/models/q.rkllm"));
        assertThat(c.runtime().usesSimulator()).isFalse();
        assertThat(c.runtime().abi()).isEqualTo("1.2.1");
        assertThat(c.kafka().topicPrefix()).isEqualTo("staging.");
        assertThat(c.identity().stateDir()).isEqualTo(Path.of("/var/lib/npufleet"));
        assertThat(c.cache().dir()).isEqualTo(Path.of("/data/caches"));
        assertThat(c.cache().maxBytes()).isEqualTo(512L << 20);
        assertThat(c.runtime().maxContext()).isEqualTo(2048);
        assertThat(c.runtime().maxNewTokens()).isEqualTo(64);
        assertThat(c.loop().heartbeat()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.loop().sessionTimeout()).isEqualTo(Duration.ofMillis(6000));
        assertThat(c.loop().staticMembership()).isFalse();
        assertThat(c.identity().capacity()).isEqualTo(0.5);
        assertThat(c.jobs().maxAttempts()).isEqualTo(5);
        assertThat(c.loop().metricsPort()).isEqualTo(9464);
        assertThat(c.jobs().partitions()).isEqualTo(4);
        assertThat(c.loop().drainTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.cache().lookupWait()).isEqualTo(Duration.ofMillis(300));
        assertThat(c.cache().autoAfter()).isEqualTo(3);
        assertThat(c.cache().autoWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.cache().autoMax()).isEqualTo(4);
        assertThat(c.loop().statusMinInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.kafka().clientOverrides()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void shouldSwitchAutomaticCachesOffWithZeroAndRefuseANegativeCount() {
        assertThat(WorkerConfig.fromEnv(Map.of("NPUFLEET_WORKER_ID", "b", "NPUFLEET_AUTO_CACHE_AFTER", "0"))
                .cache().autoAfter()).isZero();
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("NPUFLEET_WORKER_ID", "b", "NPUFLEET_AUTO_CACHE_AFTER", "-1")))
                .hasMessageContaining("NPUFLEET_AUTO_CACHE_AFTER");
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("NPUFLEET_WORKER_ID", "b", "NPUFLEET_AUTO_CACHE_MAX", "x")))
                .hasMessageContaining("NPUFLEET_AUTO_CACHE_MAX");
    }

    @Test
    void shouldReadTheRerunModeAndRefuseAnUnknownOne() {
        assertThat(WorkerConfig.fromEnv(Map.of("NPUFLEET_WORKER_ID", "b")).jobs().rerun()).isEqualTo(RerunMode.AUTO);
        assertThat(WorkerConfig.fromEnv(Map.of("NPUFLEET_WORKER_ID", "b", "NPUFLEET_RERUN", "Continue")).jobs().rerun())
                .isEqualTo(RerunMode.CONTINUE);
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("NPUFLEET_WORKER_ID", "b", "NPUFLEET_RERUN", "resume")))
                .hasMessageContaining("auto, continue or replay");
    }

    @Test
    void shouldReadTheReplayBoundWithZeroForAlwaysContinue() {
        assertThat(WorkerConfig.fromEnv(Map.of("NPUFLEET_WORKER_ID", "b")).jobs().replayMax()).hasMillis(1000);
        assertThat(WorkerConfig.fromEnv(Map.of("NPUFLEET_WORKER_ID", "b", "NPUFLEET_RERUN_REPLAY_MAX_MS", "0"))
                .jobs().replayMax()).isZero();
        assertThat(WorkerConfig.fromEnv(Map.of("NPUFLEET_WORKER_ID", "b", "NPUFLEET_RERUN_REPLAY_MAX_MS", "2s"))
                .jobs().replayMax()).hasSeconds(2);
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("NPUFLEET_WORKER_ID", "b",
                "NPUFLEET_RERUN_REPLAY_MAX_MS", "soon"))).hasMessageContaining("NPUFLEET_RERUN_REPLAY_MAX_MS");
    }

    @Test
    void shouldReadTheCancelLookbackWithZeroForOff() {
        assertThat(WorkerConfig.fromEnv(Map.of("NPUFLEET_WORKER_ID", "b")).jobs().cancelLookback()).hasHours(24);
        assertThat(WorkerConfig.fromEnv(Map.of("NPUFLEET_WORKER_ID", "b", "NPUFLEET_CANCEL_LOOKBACK_MS", "0"))
                .jobs().cancelLookback()).isZero();
        assertThat(WorkerConfig.fromEnv(Map.of("NPUFLEET_WORKER_ID", "b", "NPUFLEET_CANCEL_LOOKBACK_MS", "60000"))
                .jobs().cancelLookback()).hasMinutes(1);
    }

    @Test
    void shouldFallBackToKafkaBootstrapServers() {
        WorkerConfig c = WorkerConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:29092", "NPUFLEET_WORKER_ID", "b"));
        assertThat(c.kafka().bootstrapServers()).isEqualTo("broker:29092");
    }

    @Test
    void shouldNameTheVariableOfAValueItCannotParse() {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("NPUFLEET_MAX_CONTEXT", "lots")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NPUFLEET_MAX_CONTEXT");
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("NPUFLEET_STATIC_MEMBERSHIP", "maybe")))
                .hasMessageContaining("NPUFLEET_STATIC_MEMBERSHIP");
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("NPUFLEET_CACHE_MAX_BYTES", "2x")))
                .hasMessageContaining("NPUFLEET_CACHE_MAX_BYTES");
    }

    @Test
    void shouldRequireAModelPathWithARealRuntime() {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("NPUFLEET_RUNTIME_LIBRARY", "/usr/lib/librkllmrt.so")))
                .hasMessageContaining("NPUFLEET_MODEL_PATH");
    }

    @Test
    void shouldRefuseAWorkerIdThatCannotNameAFileOrGroupMember() {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("NPUFLEET_WORKER_ID", "../etc")))
                .hasMessageContaining("worker id");
    }

    @Test
    void shouldMaskSecretKafkaPropertiesInTheStartupLine() {
        WorkerConfig c = WorkerConfig.fromEnv(Map.of("NPUFLEET_WORKER_ID", "b",
                "NPUFLEET_KAFKA_SASL_JAAS_CONFIG", "org.apache...PlainLoginModule password=\"hunter2\";",
                "NPUFLEET_KAFKA_SSL_KEYSTORE_PASSWORD", "hunter2"));

        assertThat(c.describe()).doesNotContain("hunter2").contains("sasl.jaas.config=****");
        assertThat(c.toString()).doesNotContain("hunter2");
    }
}
