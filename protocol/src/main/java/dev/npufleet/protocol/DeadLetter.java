package dev.npufleet.protocol;

/**
 * A record that could not be processed, kept with the reason and where it came from. The
 * original bytes are kept as text (they failed to parse, so nothing more can be said of them).
 */
public record DeadLetter(int v, String reason, String sourceTopic, int partition, long offset, String key,
        String payload, String worker, long timestamp) {
}
