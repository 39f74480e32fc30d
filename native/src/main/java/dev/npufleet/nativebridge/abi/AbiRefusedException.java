package dev.npufleet.nativebridge.abi;

import dev.npufleet.nativebridge.NativeStatus;
import dev.npufleet.nativebridge.RkllmException;
import java.util.List;

/**
 * The runtime library must not be called: its ABI generation is unknown, ambiguous, or not the one
 * configured. The message says why and what to set; {@link #evidence()} lists what the file showed.
 */
public final class AbiRefusedException extends RkllmException {
    private static final long serialVersionUID = 1L;

    private final List<String> evidence;

    public AbiRefusedException(String message, List<String> evidence) {
        super(NativeStatus.ABI_MISMATCH, message);
        this.evidence = List.copyOf(evidence);
    }

    /** What the file showed (exports, version text), in the order it was read. */
    public List<String> evidence() {
        return evidence;
    }
}
