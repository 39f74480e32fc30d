package dev.npufleet.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.npufleet.nativebridge.AbiVersion;
import dev.npufleet.nativebridge.NativeLibrary;
import dev.npufleet.nativebridge.SimModelSpec;
import dev.npufleet.nativebridge.SimModels;
import dev.npufleet.worker.WorkerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's engine opens the runtime with the ABI generation read from the library (auto, the
 * default), and refuses a library whose evidence contradicts the setting, through the real bridge.
 */
class EnginesAbiIT {
    @TempDir
    Path dir;

    private WorkerConfig config(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("NPUFLEET_WORKER_ID", "abi-board",
                "NPUFLEET_STATE_DIR", dir.resolve("state").toString(), "NPUFLEET_SIM_MODEL_PRESET", "tiny"));
        env.putAll(extra);
        return WorkerConfig.fromEnv(env);
    }

    private static InferenceEngine open(WorkerConfig c) {
        return Engines.open(c.runtime(), c.identity().stateDir());
    }

    @Test
    void shouldDetectTheGenerationOfTheSimulatorAndOfARuntimeGivenByPath() throws IOException {
        try (InferenceEngine engine = open(config(Map.of()))) {
            assertThat(engine.identity().abi()).isEqualTo("1.3.0");
        }
        Path model = SimModels.write(dir.resolve("tiny.npfsim"), SimModelSpec.tiny());
        Map<String, String> v12 = Map.of("NPUFLEET_RUNTIME_LIBRARY",
                NativeLibrary.simulatorLibrary(AbiVersion.V1_2_X).toString(), "NPUFLEET_MODEL_PATH", model.toString());
        try (InferenceEngine engine = open(config(v12))) {
            assertThat(engine.identity().abi()).isEqualTo("1.2.x");
        }
    }

    @Test
    void shouldRefuseToStartOnALibraryOfTheOtherGeneration() throws IOException {
        Path model = SimModels.write(dir.resolve("tiny.npfsim"), SimModelSpec.tiny());
        WorkerConfig wrong = config(Map.of("NPUFLEET_RUNTIME_LIBRARY",
                NativeLibrary.simulatorLibrary(AbiVersion.V1_2_X).toString(), "NPUFLEET_MODEL_PATH", model.toString(),
                "NPUFLEET_RKLLM_ABI", "1.3.0"));

        assertThatThrownBy(() -> open(wrong))
                .isInstanceOf(NpuLostException.class)
                .hasMessageContaining("board checks failed: runtime library")
                .hasMessageContaining("set NPUFLEET_RKLLM_ABI=1.2.x")
                .hasMessageContaining("version text 1.2.3");
    }
}
