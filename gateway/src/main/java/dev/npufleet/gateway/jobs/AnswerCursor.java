package dev.npufleet.gateway.jobs;

/**
 * Makes a job's text arrive exactly once, whatever the worker re-sends. A chunk's {@code seq} is
 * the code-point offset of its first character in the answer, and a re-run after a worker crash
 * produces the same text, so: a chunk wholly before what was delivered is a duplicate (dropped),
 * a chunk straddling it is trimmed to its new part, a chunk after it is delivered as is.
 *
 * <p>Not thread-safe: one job's events are handed over by the single events-consumer thread.
 */
public final class AnswerCursor {
    private long delivered;
    private long dropped;
    private long trimmed;
    private long gaps;

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
        String fresh = text;
        if (seq < delivered) {
            trimmed++;
            fresh = text.substring(text.offsetByCodePoints(0, (int) (delivered - seq)));
        } else if (seq > delivered) {
            // Text went missing (events lost or a re-run that differs): deliver what we have rather
            // than stall the answer; the count shows it in the metrics.
            gaps++;
        }
        delivered = end;
        return fresh;
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

    /** Chunks that started after the delivered text ended. */
    public long gaps() {
        return gaps;
    }
}
