package dev.npufleet.nativebridge;

import java.nio.FloatBuffer;

/**
 * Receives the last hidden layer of a run in {@code RKLLM_INFER_GET_LAST_HIDDEN_LAYER} mode
 * ({@link RkllmSession#runHiddenLayer}): {@code numTokens} rows of {@code embdSize} floats, row-major. The buffer
 * wraps the runtime's own memory (no copy) and is valid only during the call: read it there, keep nothing of it.
 * Called on the thread that called {@code runHiddenLayer} or on the runtime's callback thread (attached to the JVM).
 */
@FunctionalInterface
public interface HiddenStateSink {
    void onHiddenLayer(FloatBuffer states, int embdSize, int numTokens);
}
