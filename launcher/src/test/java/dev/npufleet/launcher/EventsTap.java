package dev.npufleet.launcher;

import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.JsonCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads every event on the fleet's events topic, so a test can see what the workers did. */
final class EventsTap implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    EventsTap(String bootstrap, String topic) {
        consumer = fromStart(bootstrap, topic);
        thread = new Thread(this::loop, "events-tap");
        thread.start();
    }

    /** A consumer of every partition of {@code topic}, positioned at their start. */
    static KafkaConsumer<String, byte[]> fromStart(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p);
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private void loop() {
        while (running) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                events.add(JsonCodec.decode(r.value(), Event.class));
            }
        }
        consumer.close();
    }

    /** The ids of every job seen so far. */
    Set<String> jobIds() {
        return events.stream().map(Event::jobId).collect(Collectors.toSet());
    }

    List<Event> of(String jobId) {
        return events.stream().filter(e -> e.jobId().equals(jobId)).toList();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
