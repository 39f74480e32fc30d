package dev.npufleet.worker.engine;

/**
 * The runtime session is gone and cannot be reopened: the board needs a restart. Fatal for the
 * worker, which then exits non-zero so that its supervisor restarts it.
 */
public class NpuLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NpuLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
