package dev.npufleet.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaTestBrokerTest {

    @Test
    void shouldUseTheExternalBrokerNamedByTheEnvironmentWithoutStartingOne() throws Exception {
        try (KafkaTestBroker.Running running =
                     KafkaTestBroker.Running.start(Map.of(KafkaTestBroker.BOOTSTRAP_ENV, " kafka-1:9092 "))) {
            assertThat(running.broker()).isEqualTo(new KafkaTestBroker.Broker("kafka-1:9092", "external"));
        }
    }

    @Test
    void shouldMakeDistinctNamesThatKeepThePrefix() {
        String a = KafkaTestBroker.uniqueName("npu.jobs.test");
        String b = KafkaTestBroker.uniqueName("npu.jobs.test");
        assertThat(a).startsWith("npu.jobs.test-").matches("[A-Za-z0-9._-]+").isNotEqualTo(b);
    }

    @Test
    void shouldRejectAPrefixThatIsNotALegalTopicName() {
        assertThatThrownBy(() -> KafkaTestBroker.uniqueName("bad topic")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KafkaTestBroker.uniqueName("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNotAskTestcontainersWithoutAnyDockerEndpoint(@TempDir Path home) {
        assumeFalse(Files.exists(Path.of("/var/run/docker.sock")), "this machine has a Docker socket");
        assumeFalse(System.getProperty("os.name", "").startsWith("Windows"));
        assertThat(KafkaTestBroker.Containers.dockerHinted(Map.of(), home)).isFalse();
    }

    @Test
    void shouldAskTestcontainersWhenDockerIsConfigured(@TempDir Path home) throws Exception {
        assertThat(KafkaTestBroker.Containers.dockerHinted(Map.of("DOCKER_HOST", "tcp://docker:2375"), home)).isTrue();
        Files.writeString(home.resolve(".testcontainers.properties"), "docker.host=tcp://docker:2375\n");
        assertThat(KafkaTestBroker.Containers.dockerHinted(Map.of(), home)).isTrue();
    }

    @Test
    void shouldFallThroughQuietlyWhenTestcontainersFindsNoDocker() {
        assumeFalse(KafkaTestBroker.Containers.dockerHinted(System.getenv(),
                Path.of(System.getProperty("user.home", "/"))), "this machine has a Docker endpoint");
        assertThat(KafkaTestBroker.Containers.tryStart()).isNull();
    }

    @Test
    void shouldRejectABlankBootstrapAddress() {
        assertThatThrownBy(() -> new KafkaTestBroker.Broker(" ", "external"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
