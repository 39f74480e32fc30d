package dev.npufleet.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every bad input fails with its own status and a message that says what and why; nothing crashes. */
class BadInputIT {
    @TempDir
    static Path dir;

    private static AbstractThrowableAssert<?, ? extends Throwable> assertOpenFails(SessionConfig config,
            NativeStatus status) {
        return assertThatThrownBy(() -> RkllmSession.open(config).close())
                .isInstanceOfSatisfying(RkllmException.class, e -> assertThat(e.status()).isEqualTo(status));
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldRefuseAMissingModelFile(AbiVersion abi) {
        Path missing = dir.resolve("missing.npfsim");

        assertOpenFails(SimFixture.config(abi, missing), NativeStatus.INVALID_ARGUMENT)
                .hasMessageContaining(missing.toString());
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldRefuseAModelFileThatIsNotOurs(AbiVersion abi) throws IOException {
        byte[] noise = new byte[8192];
        new Random(7).nextBytes(noise);
        Path file = Files.write(dir.resolve(abi + "-noise.model"), noise);

        assertOpenFails(SimFixture.config(abi, file), NativeStatus.INIT_FAILED)
                .hasMessageContaining("rkllm_init failed")
                .hasMessageContaining(file.toString());
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldRefuseAMissingRuntimeLibraryWithTheLoadersReason(AbiVersion abi) {
        Path missing = dir.resolve("librkllmrt.so");
        SessionConfig config = SessionConfig.of(missing, abi, SimFixture.tinyModel(dir));

        assertOpenFails(config, NativeStatus.RUNTIME_NOT_FOUND)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("No such file");
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldRefuseALibraryThatIsNotAnRkllmRuntimeNamingTheMissingFunction(AbiVersion abi) {
        Path notRuntime = NativeLibrary.simulatorLibrary(abi).resolveSibling("libnpufleet.so");
        SessionConfig config = SessionConfig.of(notRuntime, abi, SimFixture.tinyModel(dir));

        assertOpenFails(config, NativeStatus.SYMBOL_MISSING).hasMessageContaining("rkllm_createDefaultParam");
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldRefuseTheOtherGenerationsSimulatorNamingBothVersions(AbiVersion abi) {
        AbiVersion other = abi == AbiVersion.V1_3_0 ? AbiVersion.V1_2_X : AbiVersion.V1_3_0;
        SessionConfig config = SessionConfig.of(NativeLibrary.simulatorLibrary(other), abi, SimFixture.tinyModel(dir));

        assertOpenFails(config, NativeStatus.ABI_MISMATCH)
                .hasMessageContaining(abi.toString())
                .hasMessageContaining(other.toString());
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldRefuseAPromptLongerThanTheContextAndStayUsable(AbiVersion abi) {
        try (RkllmSession session = RkllmSession.open(SimFixture.config(abi, SimFixture.tinyModel(dir)))) {
            Collected out = new Collected();

            assertThatThrownBy(() -> session.run(RunRequest.prompt("y".repeat(SimFixture.CONTEXT * 2)), out))
                    .isInstanceOfSatisfying(RkllmException.class,
                            e -> assertThat(e.status()).isEqualTo(NativeStatus.RUN_FAILED))
                    .hasMessageContaining("rkllm_run failed")
                    .hasMessageContaining("max_context_len " + SimFixture.CONTEXT);
            assertThat(out.tokens).isZero();
            assertThat(session.run(RunRequest.prompt("short"), new Collected()).outcome()).isEqualTo(RunOutcome.FINISHED);
        }
    }
}
