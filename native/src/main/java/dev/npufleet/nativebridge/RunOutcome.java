package dev.npufleet.nativebridge;

/** How a run ended. Immutable; any thread. */
public enum RunOutcome {
    /** The runtime finished: end of sequence or {@code maxNewTokens} reached. */
    FINISHED,
    /** Stopped by {@link RkllmSession#abort()} or {@link RkllmSession#close()}. */
    ABORTED,
    /**
     * Stopped by {@link RkllmSession#pause()}: the callback told the runtime to pause, so with
     * {@code keepHistory} the KV cache holds the text so far and a following run continues from it.
     */
    PAUSED
}
