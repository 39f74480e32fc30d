package dev.npufleet.worker.engine;

import java.util.Objects;

/**
 * What a worker runs: the runtime, its ABI and the model, each with a content hash. Every part
 * goes into a prompt cache's fingerprint, since a cache file is KV state only that exact runtime
 * and model can use.
 *
 * @param runtime short runtime name for people and the status ({@code rkllm-sim}, {@code librkllmrt.so})
 * @param abi the RKLLM ABI the bridge speaks ({@code 1.3.0})
 * @param runtimeHash SHA-256 (hex) of the runtime library file
 * @param modelHash SHA-256 (hex) of the model file
 */
public record EngineIdentity(String runtime, String abi, String runtimeHash, String modelHash) {
    /** The {@code runtime} name of the project's simulator. */
    public static final String SIMULATOR = "rkllm-sim";

    public EngineIdentity {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(abi, "abi");
        Objects.requireNonNull(runtimeHash, "runtimeHash");
        Objects.requireNonNull(modelHash, "modelHash");
    }
}
