package dev.npufleet.gateway.api;

/**
 * Thrown where a request cannot go on; the HTTP layer answers with its {@link ApiError}. Carries
 * no stack trace: it is an answer to a client, not a bug.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ApiError error;

    public ApiException(ApiError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public ApiError error() {
        return error;
    }
}
