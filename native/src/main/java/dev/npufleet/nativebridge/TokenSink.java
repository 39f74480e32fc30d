package dev.npufleet.nativebridge;

/**
 * Receives a run's output, one call per token, on the thread that called
 * {@link RkllmSession#run(RunRequest, TokenSink)}, or on the runtime's own thread for a runtime that
 * calls back from one (the bridge attaches it to the JVM). Calls for one run never overlap.
 *
 * <p>A sink may call {@link RkllmSession#abort()}, {@link RkllmSession#pause()} or
 * {@link RkllmSession#close()}; any other call on the session from inside the sink fails with
 * {@link NativeStatus#BUSY}. If the sink throws, the run stops and {@code run} rethrows the exception.
 */
@FunctionalInterface
public interface TokenSink {
    /** Token id of the one extra call at the end of a run that flushes a dangling incomplete character. */
    int NO_TOKEN = -1;

    /**
     * One token.
     *
     * @param tokenId the runtime's token id, or {@link #NO_TOKEN} for the final flush
     * @param text    the whole characters this token completed, possibly "" (a token that ends inside a
     *                multi-byte character); never a broken character, except a U+FFFD for bytes that are
     *                not UTF-8 or that are still incomplete when the run ends
     */
    void onToken(int tokenId, String text);
}
