package dev.npufleet.gateway.batch;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where uploaded files live (a compacted Kafka topic; in memory in tests). Any thread; never blocks
 * the caller beyond the producer's bounded send; failures complete the futures exceptionally.
 */
public interface FileStore {
    /** Stores the file. @return completes once it is durable */
    CompletableFuture<Void> put(StoredFile file);

    /** The file, or empty when it never existed or was deleted. */
    CompletableFuture<Optional<StoredFile>> get(String id);

    /** Every stored file (not deleted), without its bytes, in no particular order. */
    CompletableFuture<List<FileInfo>> list();

    /** Deletes the file (a tombstone). */
    CompletableFuture<Void> delete(String id);
}
