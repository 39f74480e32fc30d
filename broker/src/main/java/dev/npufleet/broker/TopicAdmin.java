package dev.npufleet.broker;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates topics for tests and waits until every partition has a leader, so a test can produce and
 * consume at once. Replication is the broker's default (1 on the embedded broker). Any thread.
 */
public final class TopicAdmin {

    /** Upper bound for creating the topics and seeing all their partitions led. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final long POLL_MS = 50;

    private TopicAdmin() {
    }

    /** Creates one topic with {@code partitions} partitions and waits for it. */
    public static void create(String bootstrapServers, String topic, int partitions) {
        create(bootstrapServers, topic, partitions, Map.of());
    }

    /** Creates one topic with topic-level configs (e.g. {@code cleanup.policy=compact}) and waits for it. */
    public static void create(String bootstrapServers, String topic, int partitions, Map<String, String> configs) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1: " + partitions);
        }
        create(bootstrapServers, new NewTopic(topic, Optional.of(partitions), Optional.empty()).configs(configs));
    }

    /** Creates the given topics and waits until each has its partitions, all with a leader. */
    public static void create(String bootstrapServers, NewTopic... topics) {
        List<NewTopic> all = List.of(topics);
        List<String> names = all.stream().map(NewTopic::name).toList();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            await(admin.createTopics(all).all(), deadline);
            while (!allLed(admin, all, deadline)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Topics " + names + " have no leader after " + TIMEOUT);
                }
                Thread.sleep(POLL_MS); // back-off between metadata polls, not a wait for a guessed duration
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating " + Arrays.toString(topics), e);
        }
    }

    private static boolean allLed(Admin admin, List<NewTopic> topics, long deadline) throws InterruptedException {
        Map<String, TopicDescription> found;
        try {
            found = await(admin.describeTopics(topics.stream().map(NewTopic::name).toList()).allTopicNames(), deadline);
        } catch (UnknownTopicOrPartitionException e) {
            return false; // created on the controller, not yet in this broker's metadata
        }
        return topics.stream().allMatch(t -> {
            TopicDescription d = found.get(t.name());
            return d != null
                    && (t.numPartitions() < 0 || d.partitions().size() == t.numPartitions())
                    && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        });
    }

    private static <T> T await(KafkaFuture<T> future, long deadline) throws InterruptedException {
        try {
            return future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("No answer from Kafka within " + TIMEOUT, e);
        }
    }
}
