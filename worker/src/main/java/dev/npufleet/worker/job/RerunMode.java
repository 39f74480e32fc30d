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
     * REPLAY where the run reproduces the text (the runtime takes the job's seed, or sampling is greedy),
     * else CONTINUE: the vendor runtime takes no seed, so a sampled re-run would write a different text.
     */
    AUTO;

    public static RerunMode parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rerun mode must be auto, continue or replay, not \"" + value + "\"");
        }
    }

    /** Whether to continue {@code prior} rather than replay the job. */
    public boolean continues(PriorAttempt prior, Sampling sampling, boolean runtimeTakesSeed) {
        if (prior.text().isEmpty() || prior.tokens() < 0 || prior.ended()) {
            return false; // nothing delivered, or no token count to keep max_tokens
        }
        return switch (this) {
            case REPLAY -> false;
            case CONTINUE -> true;
            case AUTO -> !runtimeTakesSeed && !sampling.greedy();
        };
    }
}
