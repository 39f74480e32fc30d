package dev.npufleet.protocol;

import java.util.List;
import java.util.Objects;

/**
 * Something that happened to a job, published by a worker to the job's reply topic with the job
 * id as key (so all of a job's events are in order in one partition).
 *
 * <p>{@code seq} makes delivery exactly-once as a client sees it: for a {@link EventType#CHUNK}
 * it is the offset, in Unicode code points, of the chunk's first character within the answer.
 * A job re-run after a crash produces the same text (same seed), so a consumer that has
 * delivered {@code n} code points drops what lies before {@code n} whatever the chunking of
 * the re-run. For {@code FINISH} it is the answer's length; for {@code ACCEPTED}, {@code STARTED}
 * and {@code ERROR} it is 0.
 *
 * @param attempt counts how many times a worker started this job (1 = first); 0 in {@code ACCEPTED}
 * @param accepted what an {@code ACCEPTED} event records about an asynchronous job; null otherwise
 * @param tokens in a {@code CHUNK}: the tokens generated so far in the job, this chunk's included (so
 *     that a worker continuing the answer after a crash knows how much of {@code max_tokens} is spent);
 *     null elsewhere and from workers before this field
 * @param embeddings in the {@code FINISH} of an {@link JobKind#EMBEDDING} job: one vector per input, in order, each
 *     base64 of little-endian float32 (as OpenAI's {@code encoding_format: base64}); null elsewhere
 * @param opensThinking in a {@code STARTED}: true when the prompt ends inside an open thinking block (the chat
 *     template wrote {@code <think>}), so the answer's text up to {@code </think>} is reasoning; null otherwise
 */
public record Event(
        int v,
        String jobId,
        EventType type,
        long seq,
        String worker,
        int attempt,
        String text,
        String finishReason,
        Usage usage,
        Timings timings,
        ErrorInfo error,
        CacheBuild cacheBuild,
        long timestamp,
        JobAccepted accepted,
        Integer tokens,
        Boolean opensThinking,
        List<String> embeddings) {

    public Event {
        Objects.requireNonNull(jobId, "job_id");
        Objects.requireNonNull(type, "type");
        if (seq < 0) {
            throw new IllegalArgumentException("seq must not be negative");
        }
        embeddings = embeddings == null ? null : List.copyOf(embeddings);
    }

    public Event(int v, String jobId, EventType type, long seq, String worker, int attempt, String text,
            String finishReason, Usage usage, Timings timings, ErrorInfo error, CacheBuild cacheBuild, long timestamp,
            JobAccepted accepted, Integer tokens) {
        this(v, jobId, type, seq, worker, attempt, text, finishReason, usage, timings, error, cacheBuild, timestamp,
                accepted, tokens, null, null);
    }

    /**
     * Published by the gateway that accepted an asynchronous job, after the job itself was
     * acknowledged: tells "queued" from "unknown" for any gateway that looks the job up.
     */
    public static Event accepted(String jobId, JobAccepted accepted) {
        Objects.requireNonNull(accepted, "accepted");
        return new Event(Protocol.VERSION, jobId, EventType.ACCEPTED, 0, null, 0, null, null, null, null, null, null,
                System.currentTimeMillis(), accepted, null);
    }

    public static Event started(String jobId, String worker, int attempt, Timings timings) {
        return started(jobId, worker, attempt, timings, false);
    }

    /** @param opensThinking the prompt ends inside an open thinking block */
    public static Event started(String jobId, String worker, int attempt, Timings timings, boolean opensThinking) {
        return new Event(Protocol.VERSION, jobId, EventType.STARTED, 0, worker, attempt, null, null, null, timings,
                null, null, System.currentTimeMillis(), null, null, opensThinking ? Boolean.TRUE : null, null);
    }

    /** True for a {@code STARTED} whose prompt opened a thinking block. */
    public boolean thinkingOpen() {
        return Boolean.TRUE.equals(opensThinking);
    }

    public static Event chunk(String jobId, String worker, int attempt, long seq, String text) {
        return chunk(jobId, worker, attempt, seq, text, null);
    }

    /** A chunk that says how many tokens the job has generated through its end. */
    public static Event chunk(String jobId, String worker, int attempt, long seq, String text, Integer tokens) {
        return new Event(Protocol.VERSION, jobId, EventType.CHUNK, seq, worker, attempt, text, null, null, null,
                null, null, System.currentTimeMillis(), null, tokens);
    }

    public static Event finish(String jobId, String worker, int attempt, long length, String finishReason,
            Usage usage, Timings timings, CacheBuild cacheBuild) {
        return new Event(Protocol.VERSION, jobId, EventType.FINISH, length, worker, attempt, null, finishReason,
                usage, timings, null, cacheBuild, System.currentTimeMillis(), null, null);
    }

    /** The end of an embedding job: its vectors (base64 float32 LE, one per input), usage and timings. */
    public static Event embedded(String jobId, String worker, int attempt, List<String> embeddings, Usage usage,
            Timings timings) {
        Objects.requireNonNull(embeddings, "embeddings");
        return new Event(Protocol.VERSION, jobId, EventType.FINISH, 0, worker, attempt, null, "stop", usage, timings,
                null, null, System.currentTimeMillis(), null, null, null, embeddings);
    }

    public static Event error(String jobId, String worker, int attempt, ErrorInfo error) {
        return new Event(Protocol.VERSION, jobId, EventType.ERROR, 0, worker, attempt, null, null, null, null,
                error, null, System.currentTimeMillis(), null, null);
    }

    /** This event with other timings (a worker adds its hops to a FINISH as it sends it). */
    public Event withTimings(Timings other) {
        return new Event(v, jobId, type, seq, worker, attempt, text, finishReason, usage, other, error, cacheBuild,
                timestamp, accepted, tokens, opensThinking, embeddings);
    }

    /** Code points in {@code text} (0 for events without text). */
    public long length() {
        return text == null ? 0 : text.codePointCount(0, text.length());
    }
}
