package dev.npufleet.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The simulator's board cache model (sim_storage.c) through the real bridge: a cache file has the size the
 * board model's KV would have (sparse padding), still loads and gives the uncached answer, and a padded file
 * cut short is refused. Its timing is measured by the benchmarks, not here.
 */
class CacheCostIT {
    private static final String PREFIX = "System: you are a terse assistant. Context: three boards, one gateway. ";
    private static final String SUFFIX = "Question: how many boards?";
    private static final long QWEN3_06B_BYTES_PER_TOKEN = 28L * 8 * 128 * 2 * 2;

    @TempDir
    static Path dir;

    private static RkllmSession open(AbiVersion abi, String... options) {
        RkllmSession s = SimFixture.rawSession(SimFixture.config(abi, SimFixture.tinyModel(dir)));
        for (int i = 0; i < options.length; i += 2) {
            assertThat(s.setSimulatorOption(options[i], options[i + 1])).isTrue();
        }
        return s;
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldWriteTheBoardSizeAndLoadItBackToTheUncachedAnswer(AbiVersion abi) throws IOException {
        // Fast made-up rates: the test checks sizes and answers, and stays quick on a loaded machine.
        try (RkllmSession s = open(abi, "kv_profile", "qwen3-0.6b", "storage", "nvme", "storage_read_mbps", "100000",
                "storage_write_mbps", "100000", "page_cache_mbps", "100000")) {
            Collected cold = new Collected();
            RunResult coldResult = s.run(RunRequest.prompt(PREFIX + SUFFIX), cold);
            Path cache = dir.resolve(abi + "-board.kvc");
            s.run(RunRequest.prompt(PREFIX).withSavePromptCache(cache), new Collected());

            assertThat(Files.size(cache)).isEqualTo(PREFIX.length() * QWEN3_06B_BYTES_PER_TOKEN);
            s.loadPromptCache(cache);
            Collected warm = new Collected();
            RunResult warmResult = s.run(RunRequest.prompt(PREFIX + SUFFIX), warm);

            assertThat(warm.text()).isEqualTo(cold.text());
            assertThat(warmResult.perf().prefillTokens()).isEqualTo(coldResult.perf().prefillTokens() - PREFIX.length());
        }
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldRefuseAPaddedCacheCutShort(AbiVersion abi) throws IOException {
        try (RkllmSession s = open(abi, "kv_bytes_per_token", "50000")) {
            Path cache = dir.resolve(abi + "-cut.kvc");
            s.run(RunRequest.prompt(PREFIX).withSavePromptCache(cache), new Collected());
            assertThat(Files.size(cache)).isEqualTo(PREFIX.length() * 50000L);
            try (RandomAccessFile f = new RandomAccessFile(cache.toFile(), "rw")) {
                f.setLength(f.length() - 100);
            }

            assertThatThrownBy(() -> s.loadPromptCache(cache))
                    .isInstanceOf(RkllmException.class)
                    .hasMessageContaining("too long");
        }
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldRefuseAnUnknownStorageWithTheValidValues(AbiVersion abi) {
        try (RkllmSession s = open(abi)) {
            assertThatThrownBy(() -> s.setSimulatorOption("storage", "floppy"))
                    .hasMessageContaining("is not emmc, nvme or none");
        }
    }
}
