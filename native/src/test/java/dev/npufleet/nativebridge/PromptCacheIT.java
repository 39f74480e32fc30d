package dev.npufleet.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Prompt caches saved by a run and loaded into a session, and every kind of bad cache file. */
class PromptCacheIT {
    private static final String PREFIX = "System: you are a terse assistant that answers in one line. Context: "
            + "the fleet has three boards and one gateway. ";
    private static final String SUFFIX = "Question: how many boards?";

    @TempDir
    static Path dir;

    private static RkllmSession open(AbiVersion abi) {
        return SimFixture.rawSession(SimFixture.config(abi, SimFixture.tinyModel(dir)));
    }

    private static Path saveCache(RkllmSession session, String name) {
        Path file = dir.resolve(session.abi() + "-" + name + ".kvc");
        RunResult saved = session.run(RunRequest.prompt(PREFIX).withSavePromptCache(file), new Collected());
        assertThat(saved.promptTokens()).isEqualTo(PREFIX.length());
        assertThat(file).isRegularFile();
        return file;
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldGiveIdenticalOutputWithTheCacheAndPrefillOnlyTheRest(AbiVersion abi) {
        try (RkllmSession session = open(abi)) {
            Collected cold = new Collected();
            RunResult coldResult = session.run(RunRequest.prompt(PREFIX + SUFFIX), cold);
            Path cache = saveCache(session, "prefix");

            session.loadPromptCache(cache);
            Collected warm = new Collected();
            RunResult warmResult = session.run(RunRequest.prompt(PREFIX + SUFFIX), warm);
            session.releasePromptCache();
            Collected released = new Collected();
            RunResult releasedResult = session.run(RunRequest.prompt(PREFIX + SUFFIX), released);

            assertThat(warm.tokenIds()).isEqualTo(cold.tokenIds()).isNotEmpty();
            assertThat(coldResult.perf().prefillTokens()).isEqualTo(PREFIX.length() + SUFFIX.length());
            assertThat(warmResult.promptTokens()).isEqualTo(coldResult.promptTokens());
            assertThat(warmResult.perf().prefillTokens()).isEqualTo(SUFFIX.length());
            assertThat(warmResult.cachedPromptTokens()).isEqualTo(PREFIX.length());
            assertThat(releasedResult.perf().prefillTokens()).isEqualTo(coldResult.perf().prefillTokens());
            assertThat(released.tokenIds()).isEqualTo(cold.tokenIds());
        }
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldRefuseAMissingCacheFile(AbiVersion abi) {
        try (RkllmSession session = open(abi)) {
            assertLoadFails(session, dir.resolve("nope.kvc")).hasMessageContaining("nope.kvc");
        }
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldRefuseAFileThatIsNotACache(AbiVersion abi) throws IOException {
        byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);
        Path file = Files.write(dir.resolve(abi + "-noise.kvc"), noise);
        try (RkllmSession session = open(abi)) {
            assertLoadFails(session, file).hasMessageContaining("not a prompt cache");
        }
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldRefuseACacheOfTheOtherAbiGeneration(AbiVersion abi) {
        AbiVersion other = abi == AbiVersion.V1_3_0 ? AbiVersion.V1_2_X : AbiVersion.V1_3_0;
        Path foreign;
        try (RkllmSession writer = open(other)) {
            foreign = saveCache(writer, "foreign");
        }
        try (RkllmSession session = open(abi)) {
            assertLoadFails(session, foreign).hasMessageContaining("ABI");
        }
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldRefuseACorruptCache(AbiVersion abi) throws IOException {
        try (RkllmSession session = open(abi)) {
            Path file = saveCache(session, "corrupt");
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length - 100] ^= 0x5A;
            Files.write(file, bytes);

            assertLoadFails(session, file).hasMessageContaining("corrupt");
        }
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldRefuseATruncatedCacheAndStayUsable(AbiVersion abi) throws IOException {
        try (RkllmSession session = open(abi)) {
            Path file = saveCache(session, "truncated");
            byte[] bytes = Files.readAllBytes(file);
            Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));

            assertLoadFails(session, file).hasMessageContaining("truncated");
            Collected out = new Collected();
            RunResult result = session.run(RunRequest.prompt(PREFIX + SUFFIX), out);
            assertThat(result.perf().prefillTokens()).as("nothing cached").isEqualTo(result.promptTokens());
        }
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertLoadFails(RkllmSession session, Path file) {
        return assertThatThrownBy(() -> session.loadPromptCache(file))
                .isInstanceOfSatisfying(RkllmException.class,
                        e -> assertThat(e.status()).isEqualTo(NativeStatus.CACHE_LOAD_FAILED))
                .hasMessageContaining("rkllm_load_prompt_cache");
    }
}
