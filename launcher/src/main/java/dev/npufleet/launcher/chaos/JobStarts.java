package dev.npufleet.launcher.chaos;

import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.JsonCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

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
        try (KafkaConsumer<String, byte[]> consumer = DeadLetterTap.fromStart(bootstrap, topic)) {
            Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
            while (ends.keySet().stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
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
