package dev.npufleet.launcher.chaos;

import dev.npufleet.protocol.DeadLetter;
import dev.npufleet.protocol.JsonCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads {@code npu.dlq} from its start on its own thread, so the suite can count dead letters. */
final class DeadLetterTap implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<DeadLetter> letters = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean running = true;

    DeadLetterTap(String bootstrap, String topic) {
        consumer = fromStart(bootstrap, topic);
        reader = new Thread(this::read, "chaos-dlq");
        reader.setDaemon(true);
        reader.start();
    }

    /** A consumer of every partition of {@code topic}, positioned at their start (no group, nothing committed). */
    static KafkaConsumer<String, byte[]> fromStart(String bootstrap, String topic) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        return consumer;
    }

    private void read() {
        try {
            while (running) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    try {
                        letters.add(JsonCodec.decode(r.value(), DeadLetter.class));
                    } catch (RuntimeException e) {
                        // not a dead letter of ours
                    }
                });
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    int count() {
        return letters.size();
    }

    /** Waits up to {@code timeout} for a dead letter with {@code key}, a little longer for copies; returns how many. */
    int awaitKey(String key, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (copies(key) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(200); // polling the tap's list
        }
        if (copies(key) > 0) {
            Thread.sleep(3_000); // a second copy, if any, comes right after
        }
        return copies(key);
    }

    String reasonOf(String key) {
        return letters.stream().filter(l -> key.equals(l.key())).map(DeadLetter::reason).findFirst().orElse("-");
    }

    private int copies(String key) {
        return (int) letters.stream().filter(l -> key.equals(l.key())).count();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        reader.join(5_000);
    }
}
