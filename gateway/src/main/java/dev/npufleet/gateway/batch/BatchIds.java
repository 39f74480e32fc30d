package dev.npufleet.gateway.batch;

import dev.npufleet.protocol.JobIds;
import java.util.Optional;

/**
 * Ids of files ({@code file-<UUIDv7>}) and batches ({@code batch_<UUIDv7>}): time-ordered like job ids,
 * so a reader finds a record with {@code offsetsForTimes} from its id alone. A finished batch's
 * output and error files are virtual, computed from its jobs' events: {@code file-<batch id>-output}
 * and {@code file-<batch id>-errors}. Stateless; any thread.
 */
public final class BatchIds {
    static final String FILE = "file-";
    static final String BATCH = "batch_";
    static final String OUTPUT = "-output";
    static final String ERRORS = "-errors";

    private BatchIds() {
    }

    /** Which of a batch's virtual files an id names. */
    public enum Kind { OUTPUT, ERRORS }

    /** A virtual file: its batch and kind. */
    public record Virtual(String batchId, Kind kind) {
    }

    public static String newFileId() {
        return FILE + JobIds.newId();
    }

    public static String newBatchId() {
        return BATCH + JobIds.newId();
    }

    /** A stored file's id (not a virtual one). */
    public static boolean isFileId(String id) {
        return id != null && id.startsWith(FILE) && JobIds.isValid(id.substring(FILE.length()));
    }

    public static boolean isBatchId(String id) {
        return id != null && id.startsWith(BATCH) && JobIds.isValid(id.substring(BATCH.length()));
    }

    /** The epoch millis a valid file or batch id was made at. */
    public static long timestampMillis(String id) {
        return JobIds.timestampMillis(id.substring(id.indexOf(id.startsWith(FILE) ? '-' : '_') + 1));
    }

    public static String outputFileId(String batchId) {
        return FILE + batchId + OUTPUT;
    }

    public static String errorFileId(String batchId) {
        return FILE + batchId + ERRORS;
    }

    /** The batch file an id names, when it names one. */
    public static Optional<Virtual> virtual(String fileId) {
        if (fileId == null || !fileId.startsWith(FILE + BATCH)) {
            return Optional.empty();
        }
        for (Kind kind : Kind.values()) {
            String suffix = kind == Kind.OUTPUT ? OUTPUT : ERRORS;
            if (fileId.endsWith(suffix)) {
                String batchId = fileId.substring(FILE.length(), fileId.length() - suffix.length());
                if (isBatchId(batchId)) {
                    return Optional.of(new Virtual(batchId, kind));
                }
            }
        }
        return Optional.empty();
    }
}
