package dev.npufleet.protocol.kafka;

import dev.npufleet.protocol.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the fleet's topics when they are missing (gateways and workers both call it at start,
 * so either may come up first). Existing topics are left as they are: an operator may have
 * tuned them. Call from one thread at a time.
 *
 * @param jobPartitions partitions of each {@code npu.jobs.<model>} topic: the most workers a
 *     model can use at once
 * @param eventPartitions partitions of {@code npu.events}
 * @param replicationFactor -1 = the broker's default
 */
public record TopicSetup(Topics topics, int jobPartitions, int eventPartitions, short replicationFactor,
        Duration jobRetention, Duration eventRetention) {

    public TopicSetup {
        if (jobPartitions < 1 || eventPartitions < 1) {
            throw new IllegalArgumentException("a topic needs at least one partition");
        }
    }

    /**
     * The largest record the files and batches topics take: a batch input file of up to 16 MiB, plus
     * room for the record's key and headers. Producers writing them must raise {@code max.request.size}.
     */
    public static final int MAX_FILE_RECORD_BYTES = 16 * 1024 * 1024 + 64 * 1024;

    public static TopicSetup defaults(Topics topics) {
        // events: 3 days, not 1, so that an asynchronous job that waited up to its 24 h deadline still has its
        // ACCEPTED (written at submission) in the log for a while after it ends: without it no gateway knows the job
        return new TopicSetup(topics, 16, 8, (short) -1, Duration.ofDays(7), Duration.ofDays(3));
    }

    /** The topics for these models, with their configs. */
    public List<NewTopic> newTopics(Collection<String> models) {
        List<NewTopic> list = new ArrayList<>();
        for (String model : models) {
            list.add(topic(topics.jobs(model), jobPartitions, Map.of(
                    TopicConfig.RETENTION_MS_CONFIG, Long.toString(jobRetention.toMillis()))));
            list.add(topic(topics.background(model), jobPartitions, Map.of(
                    TopicConfig.RETENTION_MS_CONFIG, Long.toString(jobRetention.toMillis()))));
        }
        list.add(topic(topics.events(), eventPartitions, Map.of(
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(eventRetention.toMillis()))));
        // Compacted: the last record per key is the state; old revisions go away.
        list.add(topic(topics.caches(), 1, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        list.add(topic(topics.workers(), 1, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                // a worker's status is only worth its last value; compact often
                TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()))));
        // Cancels are read back at a worker's start (NPUFLEET_CANCEL_LOOKBACK_MS, 24 h): keep them longer than that.
        list.add(topic(topics.control(), 1, Map.of(
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(2).toMillis()))));
        list.add(topic(topics.dlq(), 1, Map.of(
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(14).toMillis()))));
        // Compacted, a file or batch per key; records up to a whole batch input file.
        list.add(topic(topics.files(), 4, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_FILE_RECORD_BYTES))));
        list.add(topic(topics.batches(), 1, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_FILE_RECORD_BYTES))));
        return list;
    }

    /**
     * Creates whichever of the topics are missing and waits for the controller to confirm.
     *
     * @throws IllegalStateException when the cluster does not answer within {@code timeout}
     */
    public void ensure(Admin admin, Collection<String> models, Duration timeout) {
        for (NewTopic topic : newTopics(models)) {
            try {
                admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("Kafka did not answer within " + timeout + " creating " + topic.name(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted creating " + topic.name(), e);
            }
        }
    }

    private NewTopic topic(String name, int partitions, Map<String, String> configs) {
        var replication = replicationFactor < 0 ? java.util.Optional.<Short>empty() : java.util.Optional.of(replicationFactor);
        return new NewTopic(name, java.util.Optional.of(partitions), replication).configs(configs);
    }
}
