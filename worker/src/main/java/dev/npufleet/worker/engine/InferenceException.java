package dev.npufleet.worker.engine;

import dev.npufleet.protocol.ErrorCode;
import java.util.Objects;

/**
 * A job that cannot be done, with the code its ERROR event carries. Never fatal for the worker:
 * a failed job is an event, not a crash.
 */
public class InferenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public InferenceException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public InferenceException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }
}
