package dev.npufleet.worker.engine;

import dev.npufleet.nativebridge.AbiVersion;
import dev.npufleet.nativebridge.NativeLibrary;
import dev.npufleet.nativebridge.SamplingParams;
import dev.npufleet.nativebridge.SessionConfig;
import dev.npufleet.worker.config.RuntimeConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens the engine a {@link RuntimeConfig} describes: the bundled simulator (writing its model file
 * when missing) or the runtime library at a path, with the model's and runtime's hashes for the
 * cache fingerprints. Start-up thread.
 */
public final class Engines {

    private Engines() {
    }

    /**
     * @param stateDir where the runtime's and model's hashes are kept
     * @throws NpuLostException when the runtime or the model cannot be opened
     */
    public static InferenceEngine open(RuntimeConfig config, Path stateDir) {
        AbiVersion abi = AbiVersion.parse(config.abi());
        Path runtime;
        String runtimeName;
        try {
            if (config.usesSimulator()) {
                runtime = NativeLibrary.simulatorLibrary(abi);
                runtimeName = EngineIdentity.SIMULATOR;
            } else {
                runtime = Path.of(config.library());
                runtimeName = runtime.getFileName().toString();
            }
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new NpuLostException("cannot find the runtime library: " + e.getMessage(), e);
        }
        int maxContext = config.maxContext();
        if (config.usesSimulator()) {
            maxContext = SimulatorModels.ensure(config.modelPath(), config.simModelPreset(), maxContext);
        }
        if (!Files.isRegularFile(config.modelPath())) {
            throw new NpuLostException("model file " + config.modelPath() + " does not exist", null);
        }
        FileHashes hashes = new FileHashes(stateDir);
        EngineIdentity identity = new EngineIdentity(runtimeName, abi == AbiVersion.V1_3_0 ? "1.3.0" : "1.2.x",
                hashes.sha256(runtime), hashes.sha256(config.modelPath()));
        SessionConfig session = SessionConfig.of(runtime, abi, config.modelPath())
                .withMaxContextLen(maxContext)
                .withMaxNewTokens(config.maxNewTokens())
                .withSampling(SamplingParams.defaults());
        return RkllmEngine.open(session, config.usesSimulator() ? config.simOptions() : java.util.Map.of(), identity);
    }
}
