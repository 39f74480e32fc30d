package dev.npufleet.protocol;

/** What a job asks a worker to do. */
public enum JobKind {
    /** Render {@code messages} with the model's chat template, then generate. */
    CHAT,
    /** Generate after the raw {@code prompt}. */
    COMPLETION,
    /** Build (or rebuild) the named cache's file on this board; no text is generated. */
    CACHE_BUILD,
    /**
     * Embed each of {@code messages}' contents (one input per message) from the model's last hidden layer,
     * mean-pooled and L2-normalised; the FINISH event carries the vectors. No text is generated.
     */
    EMBEDDING
}
