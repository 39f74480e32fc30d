package dev.npufleet.gateway.http;

import dev.npufleet.gateway.batch.BatchStore;
import dev.npufleet.gateway.batch.FileInfo;
import dev.npufleet.gateway.batch.FileStore;
import dev.npufleet.gateway.batch.StoredFile;
import dev.npufleet.protocol.BatchRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** In-memory file and batch stores; either can be told to fail like a dead broker. */
final class FakeStores {
    final Map<String, StoredFile> files = new ConcurrentHashMap<>();
    final Map<String, BatchRecord> batches = new ConcurrentHashMap<>();
    volatile RuntimeException batchFailure;

    final FileStore fileStore = new FileStore() {
        @Override
        public CompletableFuture<Void> put(StoredFile file) {
            files.put(file.id(), file);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Optional<StoredFile>> get(String id) {
            return CompletableFuture.supplyAsync(() -> Optional.ofNullable(files.get(id)));
        }

        @Override
        public CompletableFuture<List<FileInfo>> list() {
            return CompletableFuture.supplyAsync(() -> files.values().stream().map(FileInfo::of).toList());
        }

        @Override
        public CompletableFuture<Void> delete(String id) {
            files.remove(id);
            return CompletableFuture.completedFuture(null);
        }
    };

    final BatchStore batchStore = new BatchStore() {
        @Override
        public CompletableFuture<Void> put(BatchRecord batch) {
            if (batchFailure != null) {
                return CompletableFuture.failedFuture(batchFailure);
            }
            batches.put(batch.id(), batch);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Optional<BatchRecord>> get(String id) {
            return CompletableFuture.supplyAsync(() -> Optional.ofNullable(batches.get(id)));
        }

        @Override
        public CompletableFuture<List<BatchRecord>> list() {
            return CompletableFuture.supplyAsync(() -> new ArrayList<>(batches.values()));
        }
    };
}
