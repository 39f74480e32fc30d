package dev.npufleet.nativebridge.abi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.npufleet.nativebridge.AbiVersion;
import dev.npufleet.nativebridge.NativeLibrary;
import dev.npufleet.nativebridge.NativeStatus;
import dev.npufleet.nativebridge.RkllmSession;
import dev.npufleet.nativebridge.SessionConfig;
import dev.npufleet.nativebridge.SimModelSpec;
import dev.npufleet.nativebridge.SimModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ABI generation read from the real libraries: the simulator's two builds, the test-only fake runtime
 * (vendor-like: no sim_* exports) with its version text, without any, and with two generations' text.
 */
class AbiDetectionIT {
    @TempDir
    Path dir;

    private static Path fake(String suffix) {
        Path plain = Path.of(System.getProperty("npufleet.test.fake.runtime"));
        return plain.resolveSibling(plain.getFileName().toString().replace(".so", suffix + ".so"));
    }

    @Test
    void shouldDetectEachSimulatorsGenerationAndOpenASessionWithIt() throws IOException {
        Path model = SimModels.write(dir.resolve("tiny.npfsim"), SimModelSpec.tiny());
        for (AbiVersion abi : AbiVersion.values()) {
            Path lib = NativeLibrary.simulatorLibrary(abi);
            AbiDecision decision = AbiDetector.decide("auto", lib);

            assertThat(decision.abi()).isEqualTo(abi);
            assertThat(decision.how()).isEqualTo("detected");
            assertThat(decision.evidence()).anyMatch(e -> e.contains("rkllm_sim_abi_version"))
                    .anyMatch(e -> e.startsWith("version text"));
            try (RkllmSession session = RkllmSession.open(SessionConfig.of(lib, decision.abi(), model))) {
                assertThat(session).isNotNull();
            }
        }
    }

    @Test
    void shouldRefuseASettingTheLibraryContradicts() {
        Path v12 = NativeLibrary.simulatorLibrary(AbiVersion.V1_2_X);

        assertThatThrownBy(() -> AbiDetector.decide("1.3.0", v12))
                .isInstanceOf(AbiRefusedException.class)
                .hasMessageContaining("NPUFLEET_RKLLM_ABI=1.3.0 but")
                .hasMessageContaining("set NPUFLEET_RKLLM_ABI=1.2.x")
                .extracting(e -> ((AbiRefusedException) e).status()).isEqualTo(NativeStatus.ABI_MISMATCH);
        assertThat(AbiDetector.decide("1.2", v12).how()).isEqualTo("configured, confirmed");
    }

    @Test
    void shouldDetectAVendorLikeLibraryByItsVersionTextAlone() {
        AbiDecision decision = AbiDetector.decide("auto", fake(""));

        assertThat(decision.abi()).isEqualTo(AbiVersion.V1_3_0);
        assertThat(decision.evidence()).noneMatch(e -> e.contains("rkllm_sim_abi_version"));
    }

    @Test
    void shouldRefuseAutoWhenTheLibraryCarriesNoVersionButTrustAnExplicitSettingWithAWarning() {
        Path bare = fake("_bare");

        assertThatThrownBy(() -> AbiDetector.decide("auto", bare))
                .isInstanceOf(AbiRefusedException.class)
                .hasMessageContaining("carries no RKLLM version text")
                .hasMessageContaining("set NPUFLEET_RKLLM_ABI=1.3.0 or 1.2 explicitly");
        AbiDecision trusted = AbiDetector.decide("1.3.0", bare);
        assertThat(trusted.how()).isEqualTo("configured, unconfirmed");
        assertThat(trusted.warnings()).singleElement().asString().contains("trusting NPUFLEET_RKLLM_ABI=1.3.0");
    }

    @Test
    void shouldRefuseALibraryThatNamesTwoGenerationsWhateverTheSetting() {
        Path ambiguous = fake("_ambiguous");
        for (String setting : new String[] {"auto", "1.3.0", "1.2"}) {
            assertThatThrownBy(() -> AbiDetector.decide(setting, ambiguous))
                    .isInstanceOf(AbiRefusedException.class)
                    .hasMessageContaining("two ABI generations");
        }
    }

    @Test
    void shouldRefuseAFileThatIsNoRuntime() throws IOException {
        Path bridge = Files.list(NativeLibrary.simulatorLibrary(AbiVersion.V1_3_0).getParent())
                .filter(p -> p.getFileName().toString().equals("libnpufleet.so")).findFirst().orElseThrow();
        Path junk = Files.writeString(dir.resolve("librkllmrt.so"), "not a library");

        assertThatThrownBy(() -> AbiDetector.decide("auto", bridge))
                .hasMessageContaining("does not export rkllm_createDefaultParam");
        assertThatThrownBy(() -> AbiDetector.decide("auto", junk))
                .hasMessageContaining("is not an ELF shared library");
        assertThatThrownBy(() -> AbiDetector.decide("auto", dir.resolve("missing.so")))
                .hasMessageContaining("cannot read");
    }
}
