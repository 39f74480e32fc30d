package dev.npufleet.nativebridge;

import java.util.Objects;

/**
 * A failed native call: the {@link NativeStatus} says what kind of failure, the message says what
 * failed and why (with the runtime's own reason where the runtime can give one).
 */
public class RkllmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final NativeStatus status;

    public RkllmException(NativeStatus status, String message) {
        this(status, message, null);
    }

    public RkllmException(NativeStatus status, String message, Throwable cause) {
        super(status + ": " + message, cause);
        this.status = Objects.requireNonNull(status, "status");
    }

    public NativeStatus status() {
        return status;
    }
}
