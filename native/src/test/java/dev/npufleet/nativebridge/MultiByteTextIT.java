package dev.npufleet.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The simulator's tokenizer is byte-level, so every multi-byte character of its output arrives split over
 * several callbacks (WAITING, then NORMAL): the binding must hand the sink whole characters only.
 */
class MultiByteTextIT {
    /** Hot sampling, so the tiny model strays from ASCII within a few seeds. */
    private static final SamplingParams HOT = new SamplingParams(0, 1.0f, 1.6f, 1.0f, 0.0f, 0.0f);

    @TempDir
    static Path dir;

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldDeliverCharactersSplitAcrossCallbacksWhole(AbiVersion abi) {
        SessionConfig config = SimFixture.config(abi, SimFixture.tinyModel(dir)).withSampling(HOT).withMaxNewTokens(64);
        try (RkllmSession session = RkllmSession.open(config)) {
            Collected found = null;
            long seed = 0;
            while (found == null && seed < 200) {
                Collected out = new Collected();
                session.run(RunRequest.prompt("说中文 😀 emoji 日本語").withSeed(++seed), out);
                if (out.text().codePoints().anyMatch(c -> c > 0x7F)) {
                    found = out;
                }
            }

            assertThat(found).as("a seed up to %d whose output has a non-ASCII character", seed).isNotNull();
            assertThat(found.text()).isEqualTo(found.decodedRawBytes()).doesNotContain("\uFFFD");
            assertThat(found.pieces).as("a token that only started a character").contains("");
            assertThat(found.pieces).filteredOn(piece -> !piece.isEmpty()).allSatisfy(piece -> {
                assertThat(Character.isLowSurrogate(piece.charAt(0))).as("starts mid-character: %s", piece).isFalse();
                assertThat(Character.isHighSurrogate(piece.charAt(piece.length() - 1))).as("ends mid-character: %s", piece)
                        .isFalse();
            });
        }
    }
}
