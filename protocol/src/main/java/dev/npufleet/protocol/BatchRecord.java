package dev.npufleet.protocol;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A batch as stored in the compacted {@code npu.batches} topic (key = {@code id}): what was asked,
 * and the job each input line became. Its progress is not stored: it is read from the jobs' events.
 * A cancel stores the record again with {@code cancelledAt} set. Immutable.
 *
 * @param id {@code batch_<UUIDv7>}
 * @param endpoint the OpenAI path every line calls
 * @param createdAt epoch millis; every job of the batch was created at or after it
 * @param requests the input lines in file order: each line's {@code custom_id} and job id
 * @param cancelledAt epoch millis of a cancel request; 0 = none
 * @param expiresAt epoch millis of the end of the completion window, fixed at creation (every job's deadline is
 *     at or after it); 0 in records written before it was stored
 * @param owner the owner id of the API key that created the batch, or null (keys off); see {@link JobAccepted}
 */
public record BatchRecord(
        int v,
        String id,
        String endpoint,
        String inputFileId,
        String completionWindow,
        long createdAt,
        Map<String, String> metadata,
        List<Request> requests,
        long cancelledAt,
        long expiresAt,
        String owner) {

    public BatchRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(endpoint, "endpoint");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        requests = requests == null ? List.of() : List.copyOf(requests);
    }

    /** A batch no key owns (keys off). */
    public BatchRecord(int v, String id, String endpoint, String inputFileId, String completionWindow, long createdAt,
            Map<String, String> metadata, List<Request> requests, long cancelledAt, long expiresAt) {
        this(v, id, endpoint, inputFileId, completionWindow, createdAt, metadata, requests, cancelledAt, expiresAt,
                null);
    }

    /** One input line: the client's {@code custom_id} and the job that answers it. */
    public record Request(String customId, String jobId) {
        public Request {
            Objects.requireNonNull(customId, "custom_id");
            Objects.requireNonNull(jobId, "job_id");
        }
    }

    public BatchRecord cancelled(long atMillis) {
        return new BatchRecord(v, id, endpoint, inputFileId, completionWindow, createdAt, metadata, requests, atMillis,
                expiresAt, owner);
    }
}
