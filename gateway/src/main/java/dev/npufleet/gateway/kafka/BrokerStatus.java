package dev.npufleet.gateway.kafka;

/**
 * What the gateway knows about its broker, for {@code /health} and for refusing jobs early. Written
 * by the admin thread; read by any thread.
 */
public final class BrokerStatus {
    /** The last health check's verdict. */
    public enum State { UNKNOWN, UP, DOWN }

    private volatile State state = State.UNKNOWN;
    private volatile boolean topicsReady;
    private volatile String lastError;

    public State state() {
        return state;
    }

    public boolean topicsReady() {
        return topicsReady;
    }

    public String lastError() {
        return lastError;
    }

    void up() {
        state = State.UP;
        lastError = null;
    }

    void down(String error) {
        state = State.DOWN;
        lastError = error;
    }

    void topicsCreated() {
        topicsReady = true;
    }
}
