package dev.npufleet.gateway.kafka;

import dev.npufleet.gateway.batch.BatchIds;
import dev.npufleet.gateway.batch.BatchStore;
import dev.npufleet.protocol.BatchRecord;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.ProtocolException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BatchStore} over the compacted batches topic: key = batch id, value = {@link BatchRecord}
 * JSON, the latest record per key wins (a cancel writes the record again). A read seeks to the id's
 * time in the key's partition; a listing reads every partition from its start. Any thread.
 */
public final class KafkaBatchStore implements BatchStore {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBatchStore.class);

    private final CompactedTopic batches;

    public KafkaBatchStore(KafkaBus bus, LookupConsumers consumers, String topic, Duration timeout) {
        this.batches = new CompactedTopic(bus, consumers, topic, timeout, "batch");
    }

    @Override
    public CompletableFuture<Void> put(BatchRecord batch) {
        return batches.put(batch.id(), JsonCodec.encode(batch), List.of());
    }

    @Override
    public CompletableFuture<Optional<BatchRecord>> get(String id) {
        long from = BatchIds.timestampMillis(id);
        return batches.read(c -> {
            Map<String, BatchRecord> latest = new HashMap<>();
            batches.readFrom(c, id, from, r -> {
                if (id.equals(r.key())) {
                    apply(latest, r);
                }
            });
            return Optional.ofNullable(latest.get(id));
        });
    }

    @Override
    public CompletableFuture<List<BatchRecord>> list() {
        return batches.read(c -> {
            Map<String, BatchRecord> latest = new HashMap<>();
            batches.readAll(c, r -> apply(latest, r));
            return new ArrayList<>(latest.values());
        });
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
