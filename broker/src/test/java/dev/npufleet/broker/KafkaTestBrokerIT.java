package dev.npufleet.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two sibling test classes that each register the extension get the very same broker. Siblings do
 * not share a class-level store, so only the root store (one broker per JVM) makes this pass.
 */
class KafkaTestBrokerIT {

    private static final Set<KafkaTestBroker.Broker> SEEN = Collections.newSetFromMap(new IdentityHashMap<>());
    private static final Set<String> CLASSES = Collections.synchronizedSet(new java.util.HashSet<>());

    @AfterAll
    static void bothClassesGotTheSameBroker() {
        assertThat(CLASSES).containsExactlyInAnyOrder("producer", "consumer");
        assertThat(SEEN).hasSize(1);
        KafkaTestBroker.Broker broker = SEEN.iterator().next();
        assertThat(broker.kind()).isEqualTo(expectedKind());
    }

    /** What the extension must choose in this environment ("embedded" on a machine without Docker). */
    private static String expectedKind() {
        String env = System.getenv(KafkaTestBroker.BOOTSTRAP_ENV);
        if (env != null && !env.isBlank()) {
            return "external";
        }
        boolean docker = KafkaTestBroker.Containers.dockerHinted(System.getenv(),
                Path.of(System.getProperty("user.home", "/")));
        return docker ? "testcontainers" : "embedded";
    }

    private static void record(String clazz, KafkaTestBroker.Broker broker) {
        synchronized (SEEN) {
            SEEN.add(broker);
        }
        CLASSES.add(clazz);
    }

    @Nested
    @ExtendWith(KafkaTestBroker.class)
    class ProducingClass {

        @Test
        void shouldWriteToTheSharedBroker(KafkaTestBroker.Broker broker) throws Exception {
            record("producer", broker);
            String topic = KafkaTestBroker.uniqueName("shared");
            TopicAdmin.create(broker.bootstrapServers(), topic, 2);
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers())) {
                producer.send(new ProducerRecord<>(topic, 1, "k", "from-producer-class")).get();
            }
            assertThat(Clients.readAll(broker.bootstrapServers(), topic)).extracting(ConsumerRecord::value)
                    .containsExactly("from-producer-class");
        }
    }

    @Nested
    @ExtendWith(KafkaTestBroker.class)
    class ConsumingClass {

        @Test
        void shouldSeeTheSameBroker(KafkaTestBroker.Broker broker) throws Exception {
            record("consumer", broker);
            String topic = KafkaTestBroker.uniqueName("shared");
            TopicAdmin.create(broker.bootstrapServers(), topic, 1);
            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrapServers())) {
                producer.send(new ProducerRecord<>(topic, "k", "from-consumer-class")).get();
            }
            assertThat(Clients.readAll(broker.bootstrapServers(), topic)).extracting(ConsumerRecord::value)
                    .isEqualTo(List.of("from-consumer-class"));
        }
    }
}
