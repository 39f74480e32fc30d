package dev.npufleet.nativebridge;

import java.util.Locale;

/**
 * The generation of the RKLLM runtime C ABI a session speaks. 1.2.x (1.2.1 to 1.2.3) and 1.3.0 differ
 * in {@code rkllm_init}'s third argument and in the layout of the parameter, input and infer structs,
 * so the configuration must name the generation of the library it loads. The simulator reports its
 * generation and a mismatch fails with {@link NativeStatus#ABI_MISMATCH}; the vendor runtime has no
 * version query, so on a board the configuration alone decides. Immutable; any thread.
 */
public enum AbiVersion {
    /** RKLLM 1.2.1 to 1.2.3: sampling and max_new_tokens fixed at init. */
    V1_2_X(122),
    /** RKLLM 1.3.0: per-run sampling and max_new_tokens. */
    V1_3_0(130);

    private final int code;

    AbiVersion(int code) {
        this.code = code;
    }

    /** The number the bridge and the simulator use for this generation: 122 or 130. */
    public int code() {
        return code;
    }

    /**
     * Parses a version as written in configuration: {@code 1.3}, {@code 1.3.0}, {@code 1.2},
     * {@code 1.2.x}, {@code 1.2.1}, {@code 1.2.2} or {@code 1.2.3} (surrounding blanks and a leading
     * {@code v} are ignored).
     *
     * @throws IllegalArgumentException naming the valid values
     */
    public static AbiVersion parse(String s) {
        if (s != null) {
            String v = s.strip().toLowerCase(Locale.ROOT);
            if (v.startsWith("v")) {
                v = v.substring(1);
            }
            switch (v) {
                case "1.3", "1.3.0":
                    return V1_3_0;
                case "1.2", "1.2.x", "1.2.1", "1.2.2", "1.2.3":
                    return V1_2_X;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("unknown RKLLM ABI version '" + s
                + "'; valid values: 1.3, 1.3.0 (RKLLM 1.3.0) and 1.2, 1.2.x, 1.2.1, 1.2.2, 1.2.3 (RKLLM 1.2.x)");
    }

    @Override
    public String toString() {
        return this == V1_3_0 ? "1.3.0" : "1.2.x";
    }
}
