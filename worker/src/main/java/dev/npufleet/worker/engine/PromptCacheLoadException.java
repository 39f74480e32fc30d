package dev.npufleet.worker.engine;

import dev.npufleet.protocol.ErrorCode;

/** A prompt cache file the runtime refused (corrupt, truncated, another model's): delete and rebuild it. */
public class PromptCacheLoadException extends InferenceException {
    private static final long serialVersionUID = 1L;

    public PromptCacheLoadException(String message, Throwable cause) {
        super(ErrorCode.RUNTIME_ERROR, message, cause);
    }
}
