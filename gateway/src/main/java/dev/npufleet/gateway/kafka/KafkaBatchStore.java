package dev.npufleet.gateway.kafka;

import dev.npufleet.gateway.batch.BatchIds;
import dev.npufleet.gateway.batch.BatchStore;
import dev.npufleet.protocol.BatchRecord;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.ProtocolException;
import dev.npufleet.protocol.kafka.PartitionScan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BatchStore} over the compacted batches topic: key = batch id, value = {@link BatchRecord}
 * JSON, the latest record per key wins (a cancel writes the record again). A read seeks to the id's
 * time in the key's partition; a listing reads every partition from its start. Any thread.
 */
public final class KafkaBatchStore implements BatchStore {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBatchStore.class);

    private final KafkaBus bus;
    private final LookupConsumers consumers;
    private final String topic;
    private final Duration timeout;

    public KafkaBatchStore(KafkaBus bus, LookupConsumers consumers, String topic, Duration timeout) {
        this.bus = bus;
        this.consumers = consumers;
        this.topic = topic;
        this.timeout = timeout;
    }

    @Override
    public CompletableFuture<Void> put(BatchRecord batch) {
        return bus.send(new ProducerRecord<>(topic, batch.id(), JsonCodec.encode(batch)), "batch")
                .thenApply(metadata -> null);
    }

    @Override
    public CompletableFuture<Optional<BatchRecord>> get(String id) {
        long from = BatchIds.timestampMillis(id);
        return consumers.submit(c -> {
            int partitions = PartitionScan.partitions(c, topic, timeout);
            if (partitions == 0) {
                return Optional.<BatchRecord>empty();
            }
            TopicPartition tp = new TopicPartition(topic, PartitionScan.partitionOf(id, partitions));
            long end = PartitionScan.end(c, tp, timeout);
            Map<String, BatchRecord> latest = new HashMap<>();
            PartitionScan.read(c, tp, PartitionScan.offsetAt(c, tp, from, end, timeout), end, timeout, r -> {
                if (id.equals(r.key())) {
                    apply(latest, r);
                }
            });
            return Optional.ofNullable(latest.get(id));
        });
    }

    @Override
    public CompletableFuture<List<BatchRecord>> list() {
        return consumers.submit(this::all);
    }

    private List<BatchRecord> all(Consumer<String, byte[]> consumer) {
        int partitions = PartitionScan.partitions(consumer, topic, timeout);
        Map<String, BatchRecord> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            long start = consumer.beginningOffsets(List.of(tp), timeout).get(tp);
            PartitionScan.read(consumer, tp, start, PartitionScan.end(consumer, tp, timeout), timeout,
                    r -> apply(latest, r));
        }
        return new ArrayList<>(latest.values());
    }

    private static void apply(Map<String, BatchRecord> latest, ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        if (r.value() == null) {
            latest.remove(r.key());
            return;
        }
        try {
            latest.put(r.key(), JsonCodec.decode(r.value(), BatchRecord.class));
        } catch (ProtocolException e) {
            LOG.atWarn().addKeyValue("partition", r.partition())
                    .log("skipping a batch record that cannot be read at offset {}: {}", r.offset(), e.getMessage());
        }
    }
}
