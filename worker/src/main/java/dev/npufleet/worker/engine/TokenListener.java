package dev.npufleet.worker.engine;

/**
 * Receives a run's tokens, on the thread that runs it (which may be a runtime thread). Must be
 * quick: it holds up the NPU.
 */
@FunctionalInterface
public interface TokenListener {
    /**
     * @param text whole characters this token completed; may be empty (a token can end inside a
     *     multi-byte character)
     */
    void onToken(int tokenId, String text);
}
