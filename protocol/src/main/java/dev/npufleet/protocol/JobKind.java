package dev.npufleet.protocol;

/** What a job asks a worker to do. */
public enum JobKind {
    /** Render {@code messages} with the model's chat template, then generate. */
    CHAT,
    /** Generate after the raw {@code prompt}. */
    COMPLETION,
    /** Build (or rebuild) the named cache's file on this board; no text is generated. */
    CACHE_BUILD
}
