package dev.npufleet.nativebridge;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link RkllmSession#open(SessionConfig)} needs: which runtime library to load and which ABI
 * generation it speaks, the model, and the init-time parameters. Immutable; any thread.
 *
 * @param runtimeLibrary the RKLLM runtime: {@code librkllmrt.so} on a board, the simulator elsewhere
 *                       ({@link NativeLibrary#simulatorLibrary(AbiVersion)})
 * @param abi            the runtime's ABI generation; the vendor runtime cannot be asked, so this must be right
 * @param modelPath      the model file
 * @param maxContextLen  KV cache length in tokens (prompt plus output)
 * @param maxNewTokens   default cap on generated tokens per run
 * @param sampling       default sampling (1.2.x: the only sampling)
 * @param baseDomainId   NPU memory domain; several sessions on one board need distinct ids
 */
public record SessionConfig(Path runtimeLibrary, AbiVersion abi, Path modelPath, int maxContextLen, int maxNewTokens,
        SamplingParams sampling, int baseDomainId) {

    public SessionConfig {
        Objects.requireNonNull(runtimeLibrary, "runtimeLibrary");
        Objects.requireNonNull(abi, "abi");
        Objects.requireNonNull(modelPath, "modelPath");
        Objects.requireNonNull(sampling, "sampling");
        if (maxContextLen <= 0) {
            throw new IllegalArgumentException("maxContextLen must be > 0, got " + maxContextLen);
        }
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("maxNewTokens must be > 0, got " + maxNewTokens);
        }
        if (baseDomainId < 0) {
            throw new IllegalArgumentException("baseDomainId must be >= 0, got " + baseDomainId);
        }
    }

    /** Defaults: context 4096, 512 new tokens, {@link SamplingParams#GREEDY}, domain 0. */
    public static SessionConfig of(Path runtimeLibrary, AbiVersion abi, Path modelPath) {
        return new SessionConfig(runtimeLibrary, abi, modelPath, 4096, 512, SamplingParams.GREEDY, 0);
    }

    public SessionConfig withMaxContextLen(int value) {
        return new SessionConfig(runtimeLibrary, abi, modelPath, value, maxNewTokens, sampling, baseDomainId);
    }

    public SessionConfig withMaxNewTokens(int value) {
        return new SessionConfig(runtimeLibrary, abi, modelPath, maxContextLen, value, sampling, baseDomainId);
    }

    public SessionConfig withSampling(SamplingParams value) {
        return new SessionConfig(runtimeLibrary, abi, modelPath, maxContextLen, maxNewTokens, value, baseDomainId);
    }

    public SessionConfig withBaseDomainId(int value) {
        return new SessionConfig(runtimeLibrary, abi, modelPath, maxContextLen, maxNewTokens, sampling, value);
    }
}
