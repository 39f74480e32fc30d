package dev.npufleet.nativebridge.abi;

import dev.npufleet.nativebridge.AbiVersion;
import java.util.List;
import java.util.Objects;

/**
 * The ABI generation chosen for a runtime library, how ({@code detected}, {@code configured, confirmed},
 * {@code configured, unconfirmed}), the evidence read from the file, and warnings (an unconfirmed setting).
 * Immutable; any thread.
 */
public record AbiDecision(AbiVersion abi, String how, List<String> evidence, List<String> warnings) {
    public AbiDecision {
        Objects.requireNonNull(abi, "abi");
        Objects.requireNonNull(how, "how");
        evidence = List.copyOf(evidence);
        warnings = List.copyOf(warnings);
    }
}
