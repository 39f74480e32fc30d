package dev.npufleet.protocol;

/**
 * The worker's part of a job's path to its first token, as durations between marks taken on the worker's one
 * clock (monotonic, so no other host's clock and no clock skew enters them). Milliseconds, to the microsecond;
 * a field is null when the job never reached its end mark (no token, no chunk) or the worker did not measure it.
 * Sent in the {@code FINISH}'s {@code timings.hops}; readers that predate it ignore it.
 *
 * <p>The marks: <b>polled</b> (the job's record came out of the consumer's poll), <b>slot started</b> (the runtime
 * is asked to run it: after the lane's turn, the acknowledged {@code STARTED}, the prompt and its cache),
 * <b>first token</b> (the runtime's first token callback), <b>first chunk sent</b> (the first {@code CHUNK}
 * handed to the producer), <b>first chunk acknowledged</b> (the broker acknowledged it).
 *
 * @param waitMs polled to slot started
 * @param firstTokenMs slot started to the runtime's first token
 * @param chunkMs first token to the first chunk sent
 * @param chunkAckMs first chunk sent to its acknowledgement by the broker
 */
public record Hops(Double waitMs, Double firstTokenMs, Double chunkMs, Double chunkAckMs) {

    public Hops {
        waitMs = checked(waitMs, "wait_ms");
        firstTokenMs = checked(firstTokenMs, "first_token_ms");
        chunkMs = checked(chunkMs, "chunk_ms");
        chunkAckMs = checked(chunkAckMs, "chunk_ack_ms");
    }

    /** Hops from nanosecond marks of one clock; a mark of 0 is "not reached", and every hop after it is null. */
    public static Hops fromNanos(long polled, long slotStarted, long firstToken, long chunkSent, long chunkAcked) {
        return new Hops(between(polled, slotStarted), between(slotStarted, firstToken), between(firstToken, chunkSent),
                between(chunkSent, chunkAcked));
    }

    /**
     * Polled to first chunk sent: the worker's whole share of the time to the first chunk, the part a gateway takes
     * off its own job-acknowledged to first-chunk-received span to find the time spent in Kafka; null unless all
     * three hops on the way were measured.
     */
    public Double toFirstChunkMs() {
        if (waitMs == null || firstTokenMs == null || chunkMs == null) {
            return null;
        }
        return micros(waitMs + firstTokenMs + chunkMs);
    }

    /** {@code to - from} in milliseconds to the microsecond; null when a mark is missing or out of order. */
    static Double between(long fromNanos, long toNanos) {
        if (fromNanos == 0 || toNanos == 0 || toNanos < fromNanos) {
            return null;
        }
        return micros((toNanos - fromNanos) / 1e6);
    }

    /** Rounds milliseconds to the microsecond (keeps the records short; finer is noise). */
    public static double micros(double millis) {
        return Math.round(millis * 1000) / 1000.0;
    }

    private static Double checked(Double ms, String name) {
        if (ms != null && (ms.isNaN() || ms < 0 || ms.isInfinite())) {
            throw new IllegalArgumentException(name + " must be a non-negative number of milliseconds, not " + ms);
        }
        return ms;
    }
}
