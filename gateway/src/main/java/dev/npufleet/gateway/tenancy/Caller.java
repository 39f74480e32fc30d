package dev.npufleet.gateway.tenancy;

import java.util.Objects;

/**
 * Who sent a request, as its API key says: the owner id its jobs, files and batches are recorded under (derived
 * from the key, never the key), the key's name for logs, whether it is an admin key, and its limits. With keys
 * off every request is {@link #ANONYMOUS}: no owner, nothing enforced. Immutable; any thread.
 *
 * @param owner the owner id recorded with what this caller creates; null when keys are off
 * @param name the key's name (from the keys file), or its owner id when it has none
 */
public record Caller(String owner, String name, boolean admin, KeyLimits limits) {
    /** Keys off: the gateway serves everyone alike, as before keys existed. */
    public static final Caller ANONYMOUS = new Caller(null, "anonymous", true, KeyLimits.NONE);
    /** Keys on, a route open without a key ({@code /health}, {@code /ready}): may see nothing anyone owns. */
    public static final Caller UNAUTHENTICATED = new Caller("-", "unauthenticated", false, KeyLimits.NONE);

    public Caller {
        Objects.requireNonNull(name, "name");
        limits = limits == null ? KeyLimits.NONE : limits;
    }

    /**
     * Whether this caller may see what {@code recordedOwner} created: always with keys off, an admin key too,
     * otherwise only its own (a record made before keys were on, with no owner, belongs to no key).
     */
    public boolean mayRead(String recordedOwner) {
        return owner == null || admin || owner.equals(recordedOwner);
    }
}
