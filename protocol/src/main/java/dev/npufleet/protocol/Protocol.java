package dev.npufleet.protocol;

/** Wire-contract constants. */
public final class Protocol {
    /**
     * Version of the records this code writes. Readers ignore unknown fields, so a minor
     * addition keeps the version; a change that old readers would misread bumps it.
     */
    public static final int VERSION = 1;

    private Protocol() {
    }
}
