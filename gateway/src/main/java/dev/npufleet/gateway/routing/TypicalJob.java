package dev.npufleet.gateway.routing;

/**
 * The job a queued job is assumed to be, for a board's mean service time: tokens it prefills (after its cache)
 * and tokens it generates. Measured by the gateway from finished jobs ({@link JobShapes}).
 */
public record TypicalJob(double prefillTokens, double decodeTokens) {
    /** Until the first job of a model finishes. */
    public static final TypicalJob DEFAULT = new TypicalJob(64, 128);

    public TypicalJob {
        if (!(prefillTokens >= 0) || !(decodeTokens >= 0)) {
            throw new IllegalArgumentException("token counts must be >= 0");
        }
    }
}
