package dev.npufleet.worker.engine;

import java.nio.file.Path;

/**
 * The NPU as the worker sees it: one runtime session, one run at a time.
 *
 * <p>Threads: {@link #run}, {@link #loadPromptCache}, {@link #releasePromptCache} and
 * {@link #close} are called by the worker's job thread only (the NPU slot); {@link #abort} may be
 * called from any thread, also from inside the {@link TokenListener}.
 */
public interface InferenceEngine extends AutoCloseable {

    /** What runs the model: goes into the worker's status and into every cache fingerprint. */
    EngineIdentity identity();

    /**
     * Runs one prompt to the end (synchronously), calling {@code listener} per generated token.
     *
     * @throws InferenceException when the job cannot run (prompt too long: {@code invalid_request};
     *     runtime failure: {@code runtime_error})
     * @throws NpuLostException when the runtime session is gone and cannot be reopened
     */
    EngineResult run(EngineRequest request, TokenListener listener);

    /**
     * Embeds one text (synchronously): the runtime's last-hidden-layer mode, mean-pooled and L2-normalised. The
     * text is run as written (the worker renders no template around it).
     *
     * @throws InferenceException when the text cannot run ({@code invalid_request}: longer than the context) or the
     *     runtime has no hidden-layer mode ({@code runtime_error})
     */
    default EmbeddingResult embed(String text) {
        throw new InferenceException(dev.npufleet.protocol.ErrorCode.INVALID_REQUEST,
                "this board's engine cannot compute embeddings");
    }

    /**
     * Whether a run takes the request's sampling seed, so that a sampled re-run reproduces its text. The
     * simulator does; the vendor runtime has no seed.
     */
    default boolean takesSeed() {
        return EngineIdentity.SIMULATOR.equals(identity().runtime());
    }

    /**
     * The sampling every run uses whatever the request asks (1.2.x runtimes fix it at init), or null when a
     * run takes the request's.
     */
    default Sampling fixedSampling() {
        return null;
    }

    /** The session's context length in tokens (prompt and answer), or 0 when unknown. */
    default int maxContext() {
        return 0;
    }

    /**
     * The most UTF-8 bytes one token spans, or 0 when unknown; a prompt's bytes over it bound its tokens from
     * below. The simulator's byte tokenizer: its longest special token's text.
     */
    default int maxBytesPerToken() {
        return 0;
    }

    /**
     * Whether a greedy or seeded run continued from its own delivered text (prompt + text, prefilled, same seed) writes
     * exactly what the uninterrupted run writes next. It does when the text tokenizes back into the very tokens that
     * wrote it and each token depends on those tokens and the seed alone: the simulator's byte-level tokenizer gives
     * one token per byte (the delivered text holds whole characters, so its bytes are the generated tokens in order),
     * greedy decoding is a function of the tokens, and its sampled draw is a function of the seed and the token's
     * position. A BPE tokenizer (the vendor runtime's models) may split the text otherwise, and its sampler's random
     * stream goes on from the run's start, so it is not assumed there.
     */
    default boolean continuesExactly() {
        return EngineIdentity.SIMULATOR.equals(identity().runtime());
    }

    /** Asks the running run to stop soon; it then returns {@link EngineResult.Outcome#ABORTED}. No-op when idle. */
    void abort();

    /**
     * Loads a prompt cache file, so that the next runs reuse the longest matching prefix.
     *
     * @throws PromptCacheLoadException when the file cannot be loaded (corrupt, wrong model)
     */
    void loadPromptCache(Path file);

    /** Drops a loaded prompt cache; a no-op when none is loaded. */
    void releasePromptCache();

    /**
     * True when two runs of one request give the same text: greedy or seeded decoding. False for a vendor
     * 1.2.x runtime, which samples with the session's settings and takes no seed.
     */
    default boolean reproducible() {
        return true;
    }

    /** The prompt-cache contract runs use (set once at start, before any job). */
    default void setCacheContract(CacheContract contract) {
        if (contract != CacheContract.PREFIX) {
            throw new UnsupportedOperationException("this engine only knows the prefix contract");
        }
    }

    /** The prompt-cache contract in use: {@link CacheContract#PREFIX} unless set. */
    default CacheContract cacheContract() {
        return CacheContract.PREFIX;
    }

    /** Frees the session; waits for a running run to stop first. Idempotent. */
    @Override
    void close();
}
