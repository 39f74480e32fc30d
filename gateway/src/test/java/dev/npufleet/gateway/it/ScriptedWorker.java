package dev.npufleet.gateway.it;

import dev.npufleet.protocol.CancelRequest;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A test double of another process on the wire: a worker that reads a model's job topics (both lanes) and
 * publishes the events the test scripts to each job's {@code reply_to}; it also reads the control
 * topic for cancels. Single-threaded: the test thread drives it.
 */
final class ScriptedWorker implements AutoCloseable {
    static final String BOARD = "it-board";

    /** A job as it arrived: its record key and value, partition and topic (its lane). */
    record Received(String key, Job job, int partition, String topic) {
    }

    private final KafkaConsumer<String, byte[]> jobs;
    private final KafkaConsumer<String, byte[]> control;
    private final KafkaProducer<String, byte[]> producer;
    private final Deque<Received> received = new ArrayDeque<>();
    private final List<CancelRequest> cancels = new ArrayList<>();

    ScriptedWorker(String bootstrap, Topics topics, String model) {
        jobs = new KafkaConsumer<>(consumerProps(bootstrap));
        jobs.assign(Stream.concat(partitions(jobs, topics.jobs(model)).stream(),
                partitions(jobs, topics.background(model)).stream()).toList());
        jobs.seekToBeginning(jobs.assignment());
        control = new KafkaConsumer<>(consumerProps(bootstrap));
        control.assign(partitions(control, topics.control()));
        control.seekToBeginning(control.assignment());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(p);
    }

    static Properties consumerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer, String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    }

    /** The next job published, waiting up to {@code timeout}. */
    Received nextJob(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (received.isEmpty() && Instant.now().isBefore(deadline)) {
            for (ConsumerRecord<String, byte[]> r : jobs.poll(Duration.ofMillis(100))) {
                received.add(new Received(r.key(), JsonCodec.decode(r.value(), Job.class), r.partition(),
                        r.topic()));
            }
        }
        if (received.isEmpty()) {
            throw new AssertionError("no job arrived within " + timeout);
        }
        return received.poll();
    }

    /** Publishes an event of the job to its reply topic, keyed by job id, and waits for the ack. */
    void send(Job job, Event event) {
        try {
            producer.send(new ProducerRecord<>(job.replyTo(), job.id(), JsonCodec.encode(event))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Cancels read from the control topic so far (polls once). */
    List<CancelRequest> cancels() {
        for (ConsumerRecord<String, byte[]> r : control.poll(Duration.ofMillis(100))) {
            cancels.add(JsonCodec.decode(r.value(), CancelRequest.class));
        }
        return List.copyOf(cancels);
    }

    @Override
    public void close() {
        jobs.close();
        control.close();
        producer.close();
    }
}
