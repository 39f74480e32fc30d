package dev.npufleet.gateway.batch;

import dev.npufleet.protocol.BatchRecord;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where batch records live (a compacted Kafka topic; in memory in tests): the latest record per
 * batch id wins. Any thread; never blocks the caller beyond the producer's bounded send.
 */
public interface BatchStore {
    /** Stores (or replaces) the batch's record. @return completes once it is durable */
    CompletableFuture<Void> put(BatchRecord batch);

    CompletableFuture<Optional<BatchRecord>> get(String id);

    /** Every batch, in no particular order. */
    CompletableFuture<List<BatchRecord>> list();
}
