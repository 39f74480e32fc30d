package dev.npufleet.worker.engine;

import java.util.Objects;

/**
 * One input's embedding: the mean of its last hidden layer's rows, L2-normalised, with what the runtime measured.
 * The array is the caller's: not copied, not to be changed.
 *
 * @param tokens the input's tokens, as the runtime prefilled them
 * @param prefillMs the runtime's prefill time
 */
public record EmbeddingResult(float[] vector, int tokens, double prefillMs) {
    public EmbeddingResult {
        Objects.requireNonNull(vector, "vector");
        if (vector.length == 0) {
            throw new IllegalArgumentException("an embedding has at least one dimension");
        }
    }
}
