package dev.npufleet.worker.kafka;

import dev.npufleet.protocol.config.KafkaSettings;
import dev.npufleet.worker.config.LoopConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Every Kafka client property the worker sets, in one place, with the reason for each. The
 * operator's {@code NPUFLEET_KAFKA_*} properties are applied last (security settings, tuning).
 * Immutable; any thread.
 *
 * @param kafka the cluster and the operator's client properties
 * @param workerId names the clients and, with static membership, the group member
 * @param model the model whose workers form the job consumer's group
 * @param loop the group membership settings
 */
public record KafkaClients(KafkaSettings kafka, String workerId, String model, LoopConfig loop) {

    /** The consumer group of a model's workers: {@code <prefix>npufleet.workers.<model>}. */
    public static String groupId(KafkaSettings kafka, String model) {
        return kafka.topicPrefix() + "npufleet.workers." + model.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The consumer group of a model's workers for the background lane: the job group's id + {@code .bg}. */
    public static String backgroundGroupId(KafkaSettings kafka, String model) {
        return groupId(kafka, model) + ".bg";
    }

    /** The interactive lane's consumer (the model's job topic). */
    public Map<String, Object> jobConsumer() {
        return laneConsumer("jobs", groupId(kafka, model));
    }

    /**
     * The background lane's consumer: a group of its own, so that each lane's partitions are spread over the boards
     * independently, and otherwise the same settings as the interactive one.
     */
    public Map<String, Object> backgroundConsumer() {
        return laneConsumer("bg", backgroundGroupId(kafka, model));
    }

    private Map<String, Object> laneConsumer(String name, String group) {
        Map<String, Object> p = common(name);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        if (loop.staticMembership()) {
            // A board that restarts within the session timeout gets its partitions back without a rebalance.
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, workerId);
        }
        // Classic protocol: the session timeout is then the client's to choose (the new protocol's is broker-side).
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) loop.sessionTimeout().toMillis());
        // Kafka's rule of thumb: at most a third of the session timeout.
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(100, loop.sessionTimeout().toMillis() / 3));
        // Incremental rebalances: a board joining does not revoke the partition of a job that keeps its owner.
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        // Offsets are committed by hand, after a job's last event is acknowledged.
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A new group serves the jobs already waiting (deadlines drop the stale ones).
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // One NPU slot: never hold jobs locally that another board could run.
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        // Jobs are small; a small fetch keeps the heap small.
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 1 << 20);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1 << 20);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        // Bytes: a malformed job is data to dead-letter, not a poll exception.
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return overrides(p);
    }

    /** The consumer of the control and caches topics: no group (every worker reads everything). */
    public Map<String, Object> sideConsumer() {
        Map<String, Object> p = common("side");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 1 << 20);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1 << 20);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return overrides(p);
    }

    /** The consumer that reads a job's earlier events from its reply topic (assigned, no group). */
    public Map<String, Object> historyConsumer() {
        Map<String, Object> p = sideConsumer();
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, "npufleet-worker-" + workerId + "-history");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        return overrides(p);
    }

    public Map<String, Object> producer() {
        Map<String, Object> p = new HashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, "npufleet-worker-" + workerId);
        // Latency first on the token path: Kafka 4's default of 5 ms adds ~5 ms per chunk.
        // The worker batches by itself when the producer is behind (ChunkPublisher).
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // No duplicates or reordering of a job's events on retries.
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // A worker sends little at a time; 4 MiB instead of 32 keeps the heap small.
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L << 20);
        // A send must not block the token thread long when the broker is away; the job then runs again.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return overrides(p);
    }

    public Map<String, Object> admin() {
        Map<String, Object> p = new HashMap<>();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "npufleet-worker-" + workerId + "-admin");
        return overrides(p);
    }

    private Map<String, Object> common(String role) {
        Map<String, Object> p = new HashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, "npufleet-worker-" + workerId + "-" + role);
        // A fetch returns as soon as a record exists (fetch.min.bytes=1), so a long wait is a long poll:
        // no added latency, and far less CPU on a board that shares its cores with the runtime.
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
        return p;
    }

    private Map<String, Object> overrides(Map<String, Object> p) {
        p.putAll(kafka.clientOverrides());
        return p;
    }
}
