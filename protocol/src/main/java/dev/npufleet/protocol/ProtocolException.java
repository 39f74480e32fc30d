package dev.npufleet.protocol;

/** A record that cannot be read or written as the protocol says. The message says why. */
public class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
