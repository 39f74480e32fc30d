package dev.npufleet.nativebridge;

import java.nio.FloatBuffer;

/**
 * Turns a last hidden layer into one embedding: the mean of its token rows, scaled to unit length (L2), so that
 * a dot product of two embeddings is their cosine similarity. Reads the runtime's buffer in place. Stateless.
 */
public final class MeanPooling {
    private MeanPooling() {
    }

    /** @throws IllegalArgumentException when the buffer holds fewer than {@code embdSize * numTokens} floats */
    public static float[] pooled(FloatBuffer states, int embdSize, int numTokens) {
        if (embdSize <= 0 || numTokens <= 0 || states.remaining() < (long) embdSize * numTokens) {
            throw new IllegalArgumentException("hidden states of " + numTokens + " x " + embdSize + " floats, buffer has "
                    + states.remaining());
        }
        double[] sum = new double[embdSize];
        int base = states.position();
        for (int t = 0; t < numTokens; t++) {
            int row = base + t * embdSize;
            for (int i = 0; i < embdSize; i++) {
                sum[i] += states.get(row + i);
            }
        }
        double norm = 0;
        for (double v : sum) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[embdSize];
        for (int i = 0; i < embdSize; i++) {
            out[i] = norm == 0 ? 0f : (float) (sum[i] / norm); // the mean's 1/n cancels in the scaling
        }
        return out;
    }
}
