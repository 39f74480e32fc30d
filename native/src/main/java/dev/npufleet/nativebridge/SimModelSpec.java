package dev.npufleet.nativebridge;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The dimensions and seed of an RKLLM simulator model: everything its model file holds. The
 * simulator generates the weights from the seed at {@code rkllm_init}, so two files with the same
 * spec are the same model (same fingerprint, interchangeable prompt caches). Immutable; any thread.
 *
 * <p>The limits mirror the simulator's own checks, so a spec that constructs is one the simulator
 * loads: heads divide {@code dModel} into heads of a multiple of 8 floats, {@code dFf} is a multiple
 * of 8, and the weights stay under 1 GiB.
 *
 * @param name       model name, at most 32 bytes of UTF-8, no NUL
 * @param dModel     width of the residual stream (8..4096)
 * @param nLayers    transformer blocks (1..64)
 * @param nHeads     attention heads (1..64)
 * @param dFf        width of the SwiGLU MLP (8..16384)
 * @param maxContext the most positions a handle's KV cache may hold (16..131072)
 * @param seed       the weights' seed; also the default sampling seed
 */
public record SimModelSpec(String name, int dModel, int nLayers, int nHeads, int dFf, int maxContext, long seed) {

    /** Byte-level tokenizer: 256 bytes plus endoftext, im_start and im_end. */
    public static final int VOCAB_SIZE = 259;

    static final int NAME_BYTES = 32;
    private static final double MAX_WEIGHT_BYTES = 1024.0 * 1024 * 1024;

    public SimModelSpec {
        Objects.requireNonNull(name, "name");
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        if (name.isBlank() || utf8.length > NAME_BYTES || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("name must be 1.." + NAME_BYTES + " bytes of UTF-8 without NUL: \""
                    + name + "\"");
        }
        check(nHeads >= 1 && nHeads <= 64, "nHeads must be 1..64, got " + nHeads);
        check(dModel >= 8 && dModel <= 4096 && dModel % nHeads == 0 && (dModel / nHeads) % 8 == 0,
                "dModel must be 8..4096 and split into " + nHeads + " heads of a multiple of 8, got " + dModel);
        check(nLayers >= 1 && nLayers <= 64, "nLayers must be 1..64, got " + nLayers);
        check(dFf >= 8 && dFf <= 16384 && dFf % 8 == 0, "dFf must be 8..16384 and a multiple of 8, got " + dFf);
        check(maxContext >= 16 && maxContext <= 131072, "maxContext must be 16..131072, got " + maxContext);
        double d = dModel;
        double bytes = 4.0 * (VOCAB_SIZE * d + d + nLayers * (2 * d + 4 * d * d + 3 * d * dFf));
        check(bytes <= MAX_WEIGHT_BYTES, "weights would take " + Math.round(bytes / 1048576) + " MiB, over 1024 MiB");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** For tests: a request takes milliseconds. */
    public static SimModelSpec tiny() {
        return new SimModelSpec("sim-tiny", 32, 2, 2, 64, 2048, 0x5EEDL);
    }

    /**
     * For the demo: a 1,000-token prefill costs a few hundred milliseconds of one core, clearly more
     * than loading its prompt cache, while decoding stays far faster than a board's 33 tokens/s.
     */
    public static SimModelSpec demo() {
        return new SimModelSpec("sim-demo", 128, 4, 4, 384, 4096, 0xDE30L);
    }

    /**
     * A preset by name.
     *
     * @throws IllegalArgumentException for a name other than {@code tiny} or {@code demo}
     */
    public static SimModelSpec preset(String presetName) {
        Objects.requireNonNull(presetName, "presetName");
        return switch (presetName) {
            case "tiny" -> tiny();
            case "demo" -> demo();
            default -> throw new IllegalArgumentException(
                    "unknown simulator model preset \"" + presetName + "\" (known: tiny, demo)");
        };
    }
}
