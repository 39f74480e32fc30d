package dev.npufleet.gateway.kafka;

import dev.npufleet.gateway.batch.BatchIds;
import dev.npufleet.gateway.batch.FileInfo;
import dev.npufleet.gateway.batch.FileStore;
import dev.npufleet.gateway.batch.StoredFile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * {@link FileStore} over the compacted files topic: key = file id, value = the file's raw bytes
 * (no JSON: a JSONL file would double in escaping), name, purpose, creation time and owner in headers;
 * a tombstone deletes. File ids are time-ordered, so a read seeks to the id's time in the key's
 * partition and reads to the end (the last record of the key wins: a later tombstone hides it); a
 * listing reads every partition from its start.
 * Any thread.
 */
public final class KafkaFileStore implements FileStore {
    static final String FILENAME = "filename";
    static final String PURPOSE = "purpose";
    static final String CREATED_AT = "created_at";
    /** The owner id of the key that uploaded the file; absent with keys off (and in records from before keys). */
    static final String OWNER = "owner";

    private final CompactedTopic files;

    public KafkaFileStore(KafkaBus bus, LookupConsumers consumers, String topic, Duration timeout) {
        this.files = new CompactedTopic(bus, consumers, topic, timeout, "file");
    }

    @Override
    public CompletableFuture<Void> put(StoredFile file) {
        List<Header> headers = new java.util.ArrayList<>(List.of(header(FILENAME, file.filename()),
                header(PURPOSE, file.purpose()), header(CREATED_AT, Long.toString(file.createdAt()))));
        if (file.owner() != null) {
            headers.add(header(OWNER, file.owner()));
        }
        return files.put(file.id(), file.content(), headers);
    }

    @Override
    public CompletableFuture<Void> delete(String id) {
        return files.put(id, null, List.of());
    }

    @Override
    public CompletableFuture<Optional<StoredFile>> get(String id) {
        long from = BatchIds.timestampMillis(id);
        return files.read(c -> latest(c, id, from).map(KafkaFileStore::file));
    }

    @Override
    public CompletableFuture<List<FileInfo>> list() {
        return files.read(this::all);
    }

    /** Every partition from its start; the last record of a key wins, a tombstone removes it. */
    private List<FileInfo> all(Consumer<String, byte[]> consumer) {
        Map<String, FileInfo> latest = new HashMap<>();
        files.readAll(consumer, r -> {
            if (r.key() != null && r.value() == null) {
                latest.remove(r.key());
            } else if (r.key() != null) {
                latest.put(r.key(), FileInfo.of(file(r)));
            }
        });
        return new ArrayList<>(latest.values());
    }

    /** The key's last record, unless that is a tombstone. */
    private Optional<ConsumerRecord<String, byte[]>> latest(Consumer<String, byte[]> consumer, String key, long from) {
        @SuppressWarnings("unchecked")
        ConsumerRecord<String, byte[]>[] last = new ConsumerRecord[1];
        files.readFrom(consumer, key, from, r -> {
            if (key.equals(r.key())) {
                last[0] = r;
            }
        });
        return last[0] == null || last[0].value() == null ? Optional.empty() : Optional.of(last[0]);
    }

    private static StoredFile file(ConsumerRecord<String, byte[]> r) {
        String created = text(r, CREATED_AT);
        return new StoredFile(r.key(), orEmpty(text(r, FILENAME)), orEmpty(text(r, PURPOSE)),
                created == null ? r.timestamp() : Long.parseLong(created), r.value(), text(r, OWNER));
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String text(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
