package dev.npufleet.worker.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.ProtocolException;
import java.util.regex.Pattern;

/**
 * Reads a job record's bytes and decides whether this worker can take it. A record that is not a
 * valid job for this model is data to dead-letter, not an error of the worker. Stateless; any thread.
 */
public final class JobDecoder {

    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final int MAX_ID_LENGTH = 128;

    private final String model;

    public JobDecoder(String model) {
        this.model = model;
    }

    /** The outcome of decoding one record. */
    public sealed interface Decoded permits Valid, Malformed {
    }

    /** A job this worker runs. */
    public record Valid(Job job) implements Decoded {
    }

    /**
     * A record to dead-letter.
     *
     * @param jobId the job id if it could be read from the record, else null
     * @param replyTo the reply topic if it could be read and is a legal topic name, else null
     */
    public record Malformed(String reason, ErrorCode code, String jobId, String replyTo) implements Decoded {
        /** True when the client can be told (an ERROR event to its reply topic). */
        public boolean canReply() {
            return jobId != null && replyTo != null;
        }
    }

    public Decoded decode(byte[] value) {
        Job job;
        try {
            job = JsonCodec.decode(value, Job.class);
        } catch (ProtocolException e) {
            return malformed(e.getMessage(), ErrorCode.MALFORMED_JOB, value);
        }
        if (job.id().isBlank() || job.id().length() > MAX_ID_LENGTH) {
            return malformed("job id must be 1-" + MAX_ID_LENGTH + " characters", ErrorCode.MALFORMED_JOB, value);
        }
        if (!TOPIC.matcher(job.replyTo()).matches()) {
            return new Malformed("reply_to is not a legal topic name: " + job.replyTo(), ErrorCode.MALFORMED_JOB,
                    job.id(), null);
        }
        if (!job.model().equals(model)) {
            return new Malformed("job for model " + job.model() + " reached a worker of model " + model,
                    ErrorCode.MODEL_NOT_SERVED, job.id(), job.replyTo());
        }
        return new Valid(job);
    }

    /** Recovers the id and reply topic from a record that failed validation, when its JSON allows. */
    private static Malformed malformed(String reason, ErrorCode code, byte[] value) {
        String id = null;
        String replyTo = null;
        try {
            JsonNode tree = value == null ? null : JsonCodec.mapper().readTree(value);
            if (tree != null && tree.isObject()) {
                id = text(tree, "id");
                replyTo = text(tree, "reply_to");
            }
        } catch (java.io.IOException | RuntimeException notJson) {
            // nothing to recover: the DLQ record alone tells the story
        }
        if (id != null && (id.isBlank() || id.length() > MAX_ID_LENGTH)) {
            id = null;
        }
        if (replyTo != null && !TOPIC.matcher(replyTo).matches()) {
            replyTo = null;
        }
        return new Malformed(reason, code, id, replyTo);
    }

    private static String text(JsonNode tree, String field) {
        JsonNode node = tree.get(field);
        return node != null && node.isTextual() ? node.asText() : null;
    }
}
