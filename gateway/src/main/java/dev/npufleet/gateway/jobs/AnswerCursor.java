package dev.npufleet.gateway.jobs;

import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.ErrorInfo;

/**
 * Makes a job's text arrive exactly once and without a hole, whatever the worker re-sends. A chunk's
 * {@code seq} is the code-point offset of its first character in the answer, and a re-run after a worker
 * crash produces the same text, so: a chunk wholly before what was delivered is a duplicate (dropped),
 * a chunk straddling it is trimmed to its new part, a chunk that starts exactly there is delivered as is.
 * A chunk that starts past it follows a hole (text lost on its way, a broker outage say): it is never
 * delivered. The job's re-run sends every character after the text it finds in the log without a hole,
 * so the hole is filled by it; a job that ends with a hole still open is cut (see {@link #isCut}).
 *
 * <p>Not thread-safe: one job's events are handed over by the single events-consumer thread.
 */
public final class AnswerCursor {
    private long delivered;
    private long dropped;
    private long trimmed;
    private long gaps;

    /** A cursor for an answer read from its start. */
    public AnswerCursor() {
        this(0);
    }

    /** A cursor that goes on after {@code delivered} code points read elsewhere (a job's text in the log). */
    public AnswerCursor(long delivered) {
        if (delivered < 0) {
            throw new IllegalArgumentException("delivered must be >= 0, was " + delivered);
        }
        this.delivered = delivered;
    }

    /**
     * @return the part of {@code text} (which starts at code point {@code seq}) not delivered yet;
     *     empty when all of it was
     */
    public String accept(long seq, String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        int length = text.codePointCount(0, text.length());
        long end = seq + length;
        if (end <= delivered) {
            dropped++;
            return "";
        }
        if (seq > delivered) {
            gaps++; // a hole before it: wait for the re-run that fills it
            return "";
        }
        String fresh = text;
        if (seq < delivered) {
            trimmed++;
            fresh = text.substring(text.offsetByCodePoints(0, (int) (delivered - seq)));
        }
        delivered = end;
        return fresh;
    }

    /**
     * True when a job that ended with an answer of {@code length} code points (its FINISH's {@code seq}) has
     * delivered less than that: the rest is missing, and the answer must end as cut, not as finished.
     */
    public boolean isCut(long length) {
        return length > delivered;
    }

    /** The error a cut answer ends with: it had {@code length} code points, {@code delivered} were readable in order. */
    public static ErrorInfo cutError(long delivered, long length) {
        return ErrorInfo.of(ErrorCode.ANSWER_INCOMPLETE, "The answer was cut after " + delivered + " of its " + length
                + " characters: the rest of its text is missing from the event log (lost while the message broker "
                + "was unavailable); retry the request.");
    }

    /** Code points delivered so far: the offset the next new character has. */
    public long delivered() {
        return delivered;
    }

    /** Chunks dropped whole because everything in them was delivered before. */
    public long dropped() {
        return dropped;
    }

    /** Chunks of which only the tail was new. */
    public long trimmed() {
        return trimmed;
    }

    /** Chunks that started after the delivered text ended (held back: never delivered). */
    public long gaps() {
        return gaps;
    }
}
