package dev.npufleet.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real broker in this JVM: round trips, compaction, lifecycle, several brokers, group failover. */
class EmbeddedKafkaIT {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        // The cleaner looks for work every 0.5 s instead of 15 s, so the compaction test is quick.
        kafka = EmbeddedKafka.start(EmbeddedKafka.Settings.defaults()
                .withBrokerProperty("log.cleaner.backoff.ms", "500"));
        System.out.printf("embedded broker ready in %d ms, RSS %s%n",
                kafka.startupTime().toMillis(), rss());
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            System.out.printf("RSS before close %s%n", rss());
            kafka.close();
        }
    }

    @Test
    void shouldRoundTripThroughThreePartitionsAndCommitGroupOffsets() throws Exception {
        String topic = KafkaTestBroker.uniqueName("roundtrip");
        String group = KafkaTestBroker.uniqueName("group");
        TopicAdmin.create(kafka.bootstrapServers(), topic, 3);

        try (KafkaProducer<String, String> producer = Clients.producer(kafka.bootstrapServers())) {
            for (int i = 0; i < 9; i++) {
                producer.send(new ProducerRecord<>(topic, i % 3, "k" + i, "v" + i)).get();
            }
        }

        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = Clients.consumer(kafka.bootstrapServers(), group, Map.of())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ZERO)
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                        return received.size() >= 9;
                    });
            consumer.commitSync();
        }

        assertThat(received).extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 9).mapToObj(i -> "v" + i).toList());
        assertThat(received).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
        try (Admin admin = admin(kafka)) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            assertThat(committed).hasSize(3);
            assertThat(committed.values()).extracting(OffsetAndMetadata::offset).containsOnly(3L);
        }
    }

    @Test
    void shouldKeepOnlyTheLastValuePerKeyInACompactedTopic() throws Exception {
        String topic = KafkaTestBroker.uniqueName("compacted");
        TopicAdmin.create(kafka.bootstrapServers(), topic, 1, Map.of(
                "cleanup.policy", "compact",
                "segment.ms", "100",
                "min.cleanable.dirty.ratio", "0.01",
                "min.compaction.lag.ms", "0"));

        try (KafkaProducer<String, String> producer = Clients.producer(kafka.bootstrapServers())) {
            for (String[] kv : new String[][] {{"k1", "a"}, {"k2", "a"}, {"k1", "b"}, {"k2", "b"}, {"k1", "c"}}) {
                producer.send(new ProducerRecord<>(topic, kv[0], kv[1])).get();
            }
            // Only closed segments are cleaned; each filler record after segment.ms rolls the active one.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                producer.send(new ProducerRecord<>(topic, "filler", "x")).get();
                Map<String, List<String>> byKey = Clients.valuesByKey(Clients.readAll(kafka.bootstrapServers(), topic));
                assertThat(byKey).containsEntry("k1", List.of("c")).containsEntry("k2", List.of("b"));
            });
        }
    }

    @Test
    void shouldApplySmallBrokerDefaultsAndExtraProperties() throws Exception {
        try (Admin admin = admin(kafka)) {
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
            Config config = admin.describeConfigs(List.of(broker)).all().get().get(broker);
            assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("false");
            assertThat(config.get("offsets.topic.num.partitions").value()).isEqualTo("1");
            assertThat(config.get("log.cleaner.dedupe.buffer.size").value()).isEqualTo("2097152");
            assertThat(config.get("group.consumer.session.timeout.ms").value()).isEqualTo("6000");
            assertThat(config.get("group.min.session.timeout.ms").value()).isEqualTo("3000");
            assertThat(config.get("log.cleaner.backoff.ms").value()).isEqualTo("500");
        }
    }

    @Test
    void shouldNotCreateTopicsOnFirstUse() throws Exception {
        String topic = KafkaTestBroker.uniqueName("typo");
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000);
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "k", "v")).get())
                    .hasMessageContaining(topic);
        }
        try (Admin admin = admin(kafka)) {
            assertThat(admin.listTopics().names().get()).doesNotContain(topic);
        }
    }

    @Test
    void shouldDeleteTheTemporaryDataDirOnCloseAndCloseTwiceQuietly() {
        EmbeddedKafka other = EmbeddedKafka.start();
        Path dir = other.dataDir();
        assertThat(dir.resolve("kraft-logs/meta.properties")).exists();

        other.close();
        other.close();

        assertThat(dir).doesNotExist();
    }

    @Test
    void shouldRunTwoBrokersInOneJvmOnDifferentPortsIncludingAFixedOne() throws Exception {
        int fixedPort = freePort();
        try (EmbeddedKafka second = EmbeddedKafka.start(EmbeddedKafka.Settings.defaults().withPort(fixedPort))) {
            assertThat(second.bootstrapServers()).isEqualTo("127.0.0.1:" + fixedPort);
            assertThat(second.port()).isNotEqualTo(kafka.port());
            assertRoundTrip(second.bootstrapServers());
            assertRoundTrip(kafka.bootstrapServers());
        }
        // Closing one broker must not disturb the other (they share JVM-wide metrics registries).
        assertRoundTrip(kafka.bootstrapServers());
    }

    @Test
    void shouldKeepAGivenDataDirAndItsTopicsAcrossRestarts(@TempDir Path tmp) throws Exception {
        Path dataDir = tmp.resolve("broker-data");
        String topic = KafkaTestBroker.uniqueName("durable");
        EmbeddedKafka.Settings settings = EmbeddedKafka.Settings.defaults().withDataDir(dataDir);
        try (EmbeddedKafka first = EmbeddedKafka.start(settings)) {
            TopicAdmin.create(first.bootstrapServers(), topic, 2);
            try (KafkaProducer<String, String> producer = Clients.producer(first.bootstrapServers())) {
                producer.send(new ProducerRecord<>(topic, 1, "k", "kept")).get();
            }
        }
        assertThat(dataDir.resolve("kraft-logs")).isDirectory();

        try (EmbeddedKafka again = EmbeddedKafka.start(settings)) {
            assertThat(Clients.readAll(again.bootstrapServers(), topic))
                    .extracting(ConsumerRecord::partition, ConsumerRecord::value)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "kept"));
        }
        assertThat(dataDir).isDirectory();
    }

    @Test
    void shouldFailClearlyWhenTheFixedPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            EmbeddedKafka.Settings settings = EmbeddedKafka.Settings.defaults()
                    .withPort(taken.getLocalPort()).withReadyTimeout(Duration.ofSeconds(30));
            assertThatThrownBy(() -> EmbeddedKafka.start(settings))
                    .isInstanceOf(EmbeddedKafkaException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void shouldHandAClosedMembersPartitionsToTheOtherWithinSeconds() throws Exception {
        String topic = KafkaTestBroker.uniqueName("handover");
        String group = KafkaTestBroker.uniqueName("workers");
        TopicAdmin.create(kafka.bootstrapServers(), topic, 2);
        // Classic protocol as a worker would configure it: the client sets its own timeouts.
        Map<String, Object> classic = Map.of(
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1000);
        try (GroupMember a = new GroupMember("member-a", kafka.bootstrapServers(), group, topic, classic)) {
            GroupMember b = new GroupMember("member-b", kafka.bootstrapServers(), group, topic, classic);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> a.assignment().size() == 1 && b.assignment().size() == 1);

            b.close();

            await().atMost(Duration.ofSeconds(10)).until(() -> a.assignment().equals(all(topic, 2)));
        }
    }

    @Test
    void shouldMoveAVanishedMembersPartitionsAfterTheBrokersShortSessionTimeout() throws Exception {
        // New consumer protocol (KIP-848): the session timeout is the broker's (6 s here, 45 s by default).
        // A static member that closes without leaving keeps its partitions until that timeout, exactly
        // like a killed worker that stops heartbeating.
        Map<String, Object> consumerProtocol = Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        Map<String, Object> staticMember = Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer",
                ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "board-b");
        assertFailoverAfterSessionTimeout(consumerProtocol, staticMember, Duration.ofSeconds(3));
    }

    @Test
    void shouldAcceptAThreeSecondClassicSessionTimeoutAndFailOverAfterIt() throws Exception {
        // Classic protocol: the client sets session.timeout.ms; 3 s is below a stock broker's 6 s floor.
        Map<String, Object> classic = Map.of(
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 3000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1000);
        assertFailoverAfterSessionTimeout(classic, classic, Duration.ofMillis(1500));
    }

    /** B stops without leaving the group; its partition must reach A after (not before) B's session expires. */
    private static void assertFailoverAfterSessionTimeout(Map<String, Object> configA, Map<String, Object> configB,
                                                          Duration notBefore) throws Exception {
        String topic = KafkaTestBroker.uniqueName("failover");
        String group = KafkaTestBroker.uniqueName("workers");
        TopicAdmin.create(kafka.bootstrapServers(), topic, 2);
        try (GroupMember a = new GroupMember("member-a", kafka.bootstrapServers(), group, topic, configA)) {
            GroupMember b = new GroupMember("member-b", kafka.bootstrapServers(), group, topic, configB);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> a.assignment().size() == 1 && b.assignment().size() == 1);

            long vanishedAt = System.nanoTime();
            b.crash();

            await().atLeast(notBefore).atMost(Duration.ofSeconds(20))
                    .until(() -> a.assignment().equals(all(topic, 2)));
            System.out.printf("%s: vanished member's partition moved after %d ms%n", configB,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - vanishedAt));
        }
    }

    private static Set<TopicPartition> all(String topic, int partitions) {
        return IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).collect(Collectors.toSet());
    }

    private static void assertRoundTrip(String bootstrap) throws Exception {
        String topic = KafkaTestBroker.uniqueName("ping");
        TopicAdmin.create(bootstrap, topic, 1);
        try (KafkaProducer<String, String> producer = Clients.producer(bootstrap)) {
            producer.send(new ProducerRecord<>(topic, "k", bootstrap)).get();
        }
        assertThat(Clients.readAll(bootstrap, topic)).extracting(ConsumerRecord::value).containsExactly(bootstrap);
    }

    private static Admin admin(EmbeddedKafka k) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Resident set size of this JVM (Linux), for the log. */
    static String rss() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).map(l -> l.substring(6).strip()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }
}
