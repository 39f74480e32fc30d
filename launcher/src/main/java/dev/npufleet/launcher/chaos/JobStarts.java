package dev.npufleet.launcher.chaos;

import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.JsonCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Which boards started each job, in order, read once from the events topic after a scenario: the evidence that a
 * stream was under way on a board when it was killed and went on elsewhere. The driver's thread.
 */
final class JobStarts {

    private JobStarts() {
    }

    /** Job id to the boards of its {@code STARTED} events, in the order they were published. */
    static Map<String, List<String>> read(String bootstrap, String topic) {
        Map<String, List<String>> starts = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
            while (parts.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> note(r, starts));
            }
        }
        return starts;
    }

    private static void note(ConsumerRecord<String, byte[]> r, Map<String, List<String>> starts) {
        try {
            Event e = JsonCodec.decode(r.value(), Event.class);
            if (e.type() == EventType.STARTED && e.worker() != null) {
                starts.computeIfAbsent(e.jobId(), k -> new ArrayList<>()).add(e.worker());
            }
        } catch (RuntimeException e) {
            // not an event of ours (the suite's poison records are on the job topic, not here)
        }
    }
}
