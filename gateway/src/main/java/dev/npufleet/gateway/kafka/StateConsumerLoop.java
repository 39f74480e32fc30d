package dev.npufleet.gateway.kafka;

import dev.npufleet.gateway.config.GatewayKafka;
import dev.npufleet.gateway.fleet.CacheView;
import dev.npufleet.gateway.fleet.FleetView;
import dev.npufleet.protocol.kafka.PartitionScan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the two compacted state topics from their beginning, for ever: cache definitions into the
 * {@link CacheView}, worker statuses into the {@link FleetView}. One consumer (and thread) for
 * both, since both are small and slow-moving. The cache view is marked ready once the consumer has
 * reached the end the caches topic had at assignment, so {@code use_cache} right after start does
 * not miss an existing cache.
 */
public final class StateConsumerLoop extends ConsumerLoop {
    private static final Logger LOG = LoggerFactory.getLogger(StateConsumerLoop.class);

    private final String cachesTopic;
    private final String workersTopic;
    private final CacheView caches;
    private final FleetView fleet;
    private final Duration timeout;
    private Map<TopicPartition, Long> cachesEnd = Map.of(); // loop thread only

    public StateConsumerLoop(GatewayKafka config, CacheView caches, FleetView fleet) {
        this(new KafkaConsumer<>(KafkaProps.consumer(config, "state")), config.topics().caches(),
                config.topics().workers(), caches, fleet, config.timeout());
    }

    StateConsumerLoop(Consumer<String, byte[]> consumer, String cachesTopic, String workersTopic, CacheView caches,
            FleetView fleet, Duration timeout) {
        super(consumer, "gateway-state");
        this.cachesTopic = cachesTopic;
        this.workersTopic = workersTopic;
        this.caches = caches;
        this.fleet = fleet;
        this.timeout = timeout;
    }

    @Override
    protected boolean assign() {
        List<TopicPartition> cachePartitions = PartitionScan.topicPartitions(consumer, cachesTopic, timeout);
        List<TopicPartition> workerPartitions = PartitionScan.topicPartitions(consumer, workersTopic, timeout);
        if (cachePartitions.isEmpty() || workerPartitions.isEmpty()) {
            return false;
        }
        List<TopicPartition> all = new ArrayList<>(cachePartitions);
        all.addAll(workerPartitions);
        consumer.assign(all);
        consumer.seekToBeginning(all);
        cachesEnd = consumer.endOffsets(cachePartitions, timeout);
        LOG.info("reading {} and {} from their beginning", cachesTopic, workersTopic);
        markReadyIfCaughtUp();
        return true;
    }

    @Override
    protected void handle(ConsumerRecords<String, byte[]> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.topic().equals(cachesTopic)) {
                caches.apply(record.key(), record.value(), record.offset());
            } else {
                fleet.apply(record.key(), record.value());
            }
        }
    }

    @Override
    protected void afterPoll() {
        markReadyIfCaughtUp();
    }

    private void markReadyIfCaughtUp() {
        if (caches.isReady()) {
            return;
        }
        for (Map.Entry<TopicPartition, Long> end : cachesEnd.entrySet()) {
            if (consumer.position(end.getKey(), timeout) < end.getValue()) {
                return;
            }
        }
        caches.markReady();
        LOG.info("cache definitions loaded");
    }
}
