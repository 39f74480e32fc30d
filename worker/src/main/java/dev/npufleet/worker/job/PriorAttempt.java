package dev.npufleet.worker.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What earlier attempts at a job left in its reply topic: whether it already ended (FINISH or ERROR),
 * the answer's text delivered so far (contiguous from the start), and how many tokens that text took.
 *
 * @param tokens tokens generated for {@code text}; -1 when a chunk did not say (a worker before the field)
 * @param attempts the highest attempt number seen (0 = none)
 * @param lostOn the board of each attempt that started and left no end (one entry per attempt; a board died
 *     while running it, or gave it up for a revocation or a broker outage)
 */
public record PriorAttempt(boolean ended, String text, int tokens, int attempts, List<String> lostOn) {

    /** Nothing: the job never started, or nobody looked. */
    public static final PriorAttempt NONE = new PriorAttempt(false, "", 0, 0);

    public PriorAttempt {
        Objects.requireNonNull(text, "text");
        lostOn = ended ? List.of() : List.copyOf(lostOn);
    }

    public PriorAttempt(boolean ended, String text, int tokens, int attempts) {
        this(ended, text, tokens, attempts, List.of());
    }

    /** This history with one more attempt, numbered {@code attempt}, lost on {@code board}. */
    public PriorAttempt withLost(String board, int attempt) {
        List<String> lost = new ArrayList<>(lostOn);
        lost.add(board);
        return new PriorAttempt(ended, text, tokens, Math.max(attempts, attempt), lost);
    }

    /** Code points of text already delivered. */
    public long length() {
        return text.codePointCount(0, text.length());
    }
}
