package dev.npufleet.worker.testing;

import static org.awaitility.Awaitility.await;

import dev.npufleet.protocol.DeadLetter;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Topics;
import dev.npufleet.protocol.WorkerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The client side of a fleet for integration tests: produces jobs, cache definitions and cancels,
 * and reads back (on its own thread) the events, dead letters and worker statuses of one topic prefix.
 */
public final class KafkaProbe implements AutoCloseable {

    private final String bootstrap;
    private final Topics topics;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread reader;
    private volatile boolean running = true;
    private final Map<String, List<Event>> events = new ConcurrentHashMap<>();
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    private final List<ConsumerRecord<String, byte[]>> statuses = new CopyOnWriteArrayList<>();

    public KafkaProbe(String bootstrap, Topics topics) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer());
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(topics.events(), topics.dlq(), topics.workers())) {
            // a topic created a moment ago may not be in this client's metadata yet: wait for it,
            // or the probe would silently never read it
            await().atMost(Duration.ofSeconds(30)).until(() -> !consumer.partitionsFor(t, Duration.ofSeconds(5)).isEmpty());
            consumer.partitionsFor(t, Duration.ofSeconds(10))
                    .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        this.reader = new Thread(this::read, "kafka-probe");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.topic().equals(topics.events())) {
                        Event e = JsonCodec.decode(r.value(), Event.class);
                        events.computeIfAbsent(e.jobId(), k -> new CopyOnWriteArrayList<>()).add(e);
                    } else if (r.topic().equals(topics.dlq())) {
                        deadLetters.add(JsonCodec.decode(r.value(), DeadLetter.class));
                    } else {
                        statuses.add(r);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    public void send(String topic, String key, Object value) {
        sendRaw(topic, key, value == null ? null : JsonCodec.encode(value));
    }

    public void sendRaw(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("send to " + topic + " failed", e);
        }
    }

    public List<Event> events(String jobId) {
        return List.copyOf(events.getOrDefault(jobId, List.of()));
    }

    /** Waits for the job's FINISH or ERROR and returns all its events. */
    public List<Event> awaitEnd(String jobId) {
        return awaitEnd(jobId, Duration.ofSeconds(30));
    }

    /** Waits up to {@code timeout} for the job's FINISH or ERROR and returns all its events. */
    public List<Event> awaitEnd(String jobId, Duration timeout) {
        await().atMost(timeout).until(() -> {
            List<Event> list = events(jobId);
            return !list.isEmpty() && list.get(list.size() - 1).type().isTerminal();
        });
        return events(jobId);
    }

    public Event awaitLast(String jobId) {
        List<Event> list = awaitEnd(jobId);
        return list.get(list.size() - 1);
    }

    public List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    /** The latest status of a worker, or null (also after its tombstone). */
    public WorkerStatus status(String workerId) {
        WorkerStatus latest = null;
        for (ConsumerRecord<String, byte[]> r : statuses) {
            if (workerId.equals(r.key())) {
                latest = r.value() == null ? null : JsonCodec.decode(r.value(), WorkerStatus.class);
            }
        }
        return latest;
    }

    public boolean tombstoned(String workerId) {
        List<ConsumerRecord<String, byte[]>> mine = statuses.stream().filter(r -> workerId.equals(r.key())).toList();
        return !mine.isEmpty() && mine.get(mine.size() - 1).value() == null;
    }

    /** Sum of the committed offsets of a consumer group on a topic. */
    public long committed(String groupId, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the offsets of " + groupId, e);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
