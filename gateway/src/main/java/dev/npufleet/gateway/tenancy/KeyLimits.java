package dev.npufleet.gateway.tenancy;

/**
 * One key's limits per minute; 0 means "the fleet default" ({@code NPUFLEET_RATE_RPM}, {@code NPUFLEET_RATE_TPM}).
 * Immutable.
 *
 * @param requestsPerMinute requests a key may send per minute
 * @param tokensPerMinute tokens (prompt estimate plus {@code max_tokens}) a key may ask for per minute
 */
public record KeyLimits(long requestsPerMinute, long tokensPerMinute) {
    public static final KeyLimits NONE = new KeyLimits(0, 0);

    public KeyLimits {
        if (requestsPerMinute < 0 || tokensPerMinute < 0) {
            throw new IllegalArgumentException("limits are >= 0, were rpm=" + requestsPerMinute + " tpm="
                    + tokensPerMinute);
        }
    }
}
