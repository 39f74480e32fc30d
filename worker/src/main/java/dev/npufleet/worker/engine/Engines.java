package dev.npufleet.worker.engine;

import dev.npufleet.nativebridge.AbiVersion;
import dev.npufleet.nativebridge.NativeLibrary;
import dev.npufleet.nativebridge.SamplingParams;
import dev.npufleet.nativebridge.SessionConfig;
import dev.npufleet.nativebridge.abi.AbiDecision;
import dev.npufleet.nativebridge.abi.AbiDetector;
import dev.npufleet.nativebridge.abi.AbiRefusedException;
import dev.npufleet.worker.config.RuntimeConfig;
import dev.npufleet.worker.doctor.Check;
import dev.npufleet.worker.doctor.Doctor;
import dev.npufleet.worker.doctor.HostPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the engine a {@link RuntimeConfig} describes: the bundled simulator (writing its model file
 * when missing) or the runtime library at a path, with the model's and runtime's hashes for the
 * cache fingerprints. Start-up thread.
 */
public final class Engines {
    private static final Logger LOG = LoggerFactory.getLogger(Engines.class);

    private Engines() {
    }

    /**
     * @throws NpuLostException when the runtime or the model cannot be opened
     */
    public static InferenceEngine open(RuntimeConfig config, Path stateDir) {
        refuseOnFailedChecks(config);
        RkllmEngine engine = openUnprobed(config, stateDir);
        try {
            engine.setCacheContract(cacheContract(engine, config, stateDir));
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        return engine;
    }

    /** The quick part of {@code fleet doctor}, logged line by line; a failed line stops the start. */
    private static void refuseOnFailedChecks(RuntimeConfig config) {
        List<Check> checks = Doctor.quick(config, HostPaths.system());
        for (Check c : checks) {
            LOG.atLevel(c.status() == Check.Status.FAIL ? org.slf4j.event.Level.ERROR
                    : c.status() == Check.Status.WARN ? org.slf4j.event.Level.WARN : org.slf4j.event.Level.INFO)
                    .log("Board check: {}", c.render().replace(System.lineSeparator(), " "));
        }
        List<String> failed = checks.stream().filter(c -> c.status() == Check.Status.FAIL)
                .map(c -> c.name() + ": " + c.detail() + " (fix: " + c.fix() + ")").toList();
        if (!failed.isEmpty()) {
            throw new NpuLostException("board checks failed: " + String.join("; ", failed)
                    + " (./fleet doctor shows them all)", null);
        }
    }

    /**
     * Opens the engine without finding the prompt-cache contract (it stays {@link CacheContract#PREFIX}):
     * {@code fleet doctor} runs the probe itself to report it.
     *
     * @throws NpuLostException when the runtime or the model cannot be opened
     */
    public static RkllmEngine openUnprobed(RuntimeConfig config, Path stateDir) {
        Path runtime = runtimeLibrary(config);
        String runtimeName = config.usesSimulator() ? EngineIdentity.SIMULATOR : runtime.getFileName().toString();
        AbiDecision decision = decideAbi(config.abi(), runtime);
        AbiVersion abi = decision.abi();
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

    /** The configured contract, or the one {@link CacheContractProbe} finds (auto); OFF is logged as an error. */
    static CacheContract cacheContract(InferenceEngine engine, RuntimeConfig config, Path stateDir) {
        CacheContract configured = CacheContract.parseSetting(config.cacheContract());
        if (configured != null) {
            return configured;
        }
        CacheContractProbe.Result r;
        try {
            r = CacheContractProbe.detect(engine, stateDir.resolve("probe"));
        } catch (java.io.IOException e) {
            throw new NpuLostException("cannot run the prompt-cache contract probe in " + stateDir + ": " + e, e);
        }
        if (r.contract() == CacheContract.OFF) {
            LOG.atError().log("Prompt caches are OFF on this board: {}. Jobs that name a cache run without it"
                    + " (cached_tokens 0); run ./fleet doctor, or set NPUFLEET_CACHE_CONTRACT once you know the"
                    + " runtime's behaviour", r.detail());
        } else {
            LOG.atInfo().log("Prompt-cache contract {}: {}", r.contract(), r.detail());
        }
        return r.contract();
    }

    /** The runtime's path: the configured file, or the simulator of the configured generation (1.3.0 for auto). */
    public static Path runtimeLibrary(RuntimeConfig config) {
        if (!config.usesSimulator()) {
            return Path.of(config.library());
        }
        AbiVersion wanted = AbiDetector.isAuto(config.abi()) ? AbiVersion.V1_3_0 : AbiVersion.parse(config.abi());
        try {
            return NativeLibrary.simulatorLibrary(wanted);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new NpuLostException("cannot find the runtime library: " + e.getMessage(), e);
        }
    }

    /**
     * The ABI generation to call the runtime with, read from the library (docs/RKLLM-ABI.md).
     *
     * @throws NpuLostException when the library's generation is unknown, ambiguous or not the configured one
     */
    static AbiDecision decideAbi(String setting, Path runtime) {
        try {
            AbiDecision decision = AbiDetector.decide(setting, runtime);
            LOG.atInfo().setMessage("RKLLM ABI {} ({}) for {}").addArgument(decision.abi()).addArgument(decision.how())
                    .addArgument(runtime).log();
            decision.warnings().forEach(w -> LOG.atWarn().setMessage("RKLLM ABI: {}").addArgument(w).log());
            return decision;
        } catch (AbiRefusedException e) {
            throw new NpuLostException("refusing to call the runtime " + runtime + ": " + e.getMessage()
                    + " (evidence: " + String.join("; ", e.evidence()) + ")", e);
        }
    }
}
