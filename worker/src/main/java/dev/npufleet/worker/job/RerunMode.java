package dev.npufleet.worker.job;

import dev.npufleet.worker.engine.Sampling;
import java.util.Locale;

/**
 * How a worker runs a job that an earlier attempt had started to answer (a worker crashed mid-job).
 * The clients already have the text published before the crash.
 */
public enum RerunMode {
    /** Run it again from the start: same seed, same text; consumers drop what they already have. */
    REPLAY,
    /** Continue the delivered text: it becomes the start of the assistant's answer, generation goes on from there. */
    CONTINUE,
    /**
     * CONTINUE where that provably writes the uninterrupted text (greedy or seeded, on a runtime whose tokenizer gives
     * the delivered text back as its own tokens and whose draws depend on the position: the simulator), since then the
     * new board only prefills what was said and the client's next token comes after a prefill, not after a replay at
     * decode speed; CONTINUE where a replay would write another text (a sampled job on a runtime without a seed);
     * CONTINUE where a replay would take longer than {@link RerunFacts#replayMax} (the text after the cut may then
     * differ from an uninterrupted run's); else REPLAY (a short greedy answer on the vendor runtime, no seed there).
     */
    AUTO;

    public static RerunMode parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rerun mode must be auto, continue or replay, not \"" + value + "\"");
        }
    }

    /**
     * Whether to continue {@code prior} rather than replay the job.
     *
     * @param facts what the board that reruns it knows about itself
     */
    public boolean continues(PriorAttempt prior, Sampling sampling, RerunFacts facts) {
        if (prior.text().isEmpty() || prior.tokens() < 0 || prior.ended()) {
            return false; // nothing delivered, or no token count to keep max_tokens
        }
        return switch (this) {
            case REPLAY -> false;
            case CONTINUE -> true;
            case AUTO -> !sampling.greedy() && !facts.takesSeed() // a replay would write another text anyway
                    || facts.continuesExactly() || facts.replayTooLong(prior.tokens());
        };
    }
}
