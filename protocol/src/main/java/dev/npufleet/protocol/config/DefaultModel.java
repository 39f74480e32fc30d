package dev.npufleet.protocol.config;

/** The model id a fleet serves when none is configured: the one place it is written. */
public final class DefaultModel {

    /** The bundled simulator's stand-in for Qwen3-0.6B. */
    public static final String ID = "qwen3-0.6b-sim";

    private DefaultModel() {
    }
}
