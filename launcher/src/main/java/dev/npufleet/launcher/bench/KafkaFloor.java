package dev.npufleet.launcher.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;

/**
 * The latency floor under the fleet: the same two Kafka hops a job takes (request topic to a
 * responder, reply topic back), with the same client settings (acks=all, idempotent, linger 0,
 * long-poll fetches) and nothing else, paced like the benchmark's requests, on the same broker
 * in the same run. What the fleet adds above direct inference, minus this, is npufleet's code.
 */
final class KafkaFloor {
    private KafkaFloor() {
    }

    /** @param onCounted runs once, when the warm-up is over, before the first counted round trip */
    static BenchSummary measure(String bootstrap, int requests, int warmup, Duration gap, Runnable onCounted)
            throws Exception {
        String jobs = "bench.floor.jobs." + System.nanoTime();
        String replies = "bench.floor.replies." + System.nanoTime();
        try (Admin admin = Admin.create(props(bootstrap))) {
            admin.createTopics(List.of(new NewTopic(jobs, 1, (short) 1), new NewTopic(replies, 1, (short) 1))).all().get();
        }
        AtomicBoolean running = new AtomicBoolean(true);
        Thread responder = new Thread(() -> respond(bootstrap, jobs, replies, running), "floor-responder");
        List<RequestResult> results = new ArrayList<>();
        long wallStart = 0;
        try (KafkaProducer<Long, Long> producer = new KafkaProducer<>(producerProps(bootstrap));
                KafkaConsumer<Long, Long> consumer = new KafkaConsumer<>(consumerProps(bootstrap))) {
            TopicPartition in = new TopicPartition(replies, 0);
            consumer.assign(List.of(in));
            consumer.seekToEnd(List.of(in));
            consumer.position(in);
            responder.start();
            for (int i = 0; i < warmup + requests; i++) {
                if (i == warmup) {
                    onCounted.run();
                    wallStart = System.nanoTime();
                }
                double ms = roundTrip(producer, consumer, jobs, i);
                if (i >= warmup) {
                    results.add(new RequestResult(null, ms, ms, 0, 0, 0, false, null, null));
                }
                Thread.sleep(gap.toMillis()); // the fleet run's think time between requests: the same idle before each
            }
        } finally {
            running.set(false);
            responder.join(5000);
        }
        return BenchSummary.of("Kafka floor (2 hops, no npufleet code)", results,
                Duration.ofNanos(System.nanoTime() - wallStart));
    }

    /** Sends job {@code i} and waits for its reply; the milliseconds that took. */
    private static double roundTrip(KafkaProducer<Long, Long> producer, KafkaConsumer<Long, Long> consumer,
            String jobs, long i) {
        long start = System.nanoTime();
        producer.send(new ProducerRecord<>(jobs, i, start));
        boolean answered = false;
        while (!answered) {
            for (ConsumerRecord<Long, Long> r : consumer.poll(Duration.ofSeconds(1))) {
                answered |= r.key() == i;
            }
        }
        return OpenAiClient.millisSince(start);
    }

    private static void respond(String bootstrap, String jobs, String replies, AtomicBoolean running) {
        try (KafkaProducer<Long, Long> producer = new KafkaProducer<>(producerProps(bootstrap));
                KafkaConsumer<Long, Long> consumer = new KafkaConsumer<>(consumerProps(bootstrap))) {
            TopicPartition in = new TopicPartition(jobs, 0);
            consumer.assign(List.of(in));
            consumer.seekToBeginning(List.of(in));
            while (running.get()) {
                for (ConsumerRecord<Long, Long> r : consumer.poll(Duration.ofMillis(200))) {
                    producer.send(new ProducerRecord<>(replies, r.key(), r.value()));
                }
            }
        }
    }

    private static Properties props(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }

    private static Properties producerProps(String bootstrap) {
        Properties p = props(bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, LongSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, LongSerializer.class.getName());
        return p;
    }

    private static Properties consumerProps(String bootstrap) {
        Properties p = props(bootstrap);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class.getName());
        return p;
    }
}
