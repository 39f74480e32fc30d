package dev.npufleet.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8StreamDecoderTest {

    @ParameterizedTest
    @ValueSource(strings = {"😀", "中文", "a😀b", "🇩🇪", "é", "日本語のテキスト 🎉 done"})
    void shouldEmitCharactersWholeWhenSplitAtEveryByte(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Utf8StreamDecoder decoder = new Utf8StreamDecoder();
        List<String> pieces = new ArrayList<>();

        for (byte b : bytes) {
            pieces.add(decoder.decode(new byte[] {b}));
        }
        pieces.add(decoder.finish());

        assertThat(String.join("", pieces)).isEqualTo(text);
        assertThat(pieces).allSatisfy(p -> assertThat(p.codePoints().allMatch(c -> c != 0xFFFD)).isTrue());
        assertThat(pieces).allSatisfy(p -> assertThat(p.isEmpty() || !Character.isLowSurrogate(p.charAt(0))).isTrue());
    }

    @Test
    void shouldHoldBackAnEmojiUntilItsLastByteArrives() {
        byte[] emoji = "😀".getBytes(StandardCharsets.UTF_8); // F0 9F 98 80
        Utf8StreamDecoder decoder = new Utf8StreamDecoder();

        assertThat(decoder.decode(Arrays.copyOfRange(emoji, 0, 2))).isEmpty();
        assertThat(decoder.decode(Arrays.copyOfRange(emoji, 2, 3))).isEmpty();
        assertThat(decoder.decode(Arrays.copyOfRange(emoji, 3, 4))).isEqualTo("😀");
        assertThat(decoder.finish()).isEmpty();
    }

    @Test
    void shouldCompleteACharacterAndStartTheNextInOnePiece() {
        byte[] bytes = "中文".getBytes(StandardCharsets.UTF_8); // E4 B8 AD E6 96 87
        Utf8StreamDecoder decoder = new Utf8StreamDecoder();

        assertThat(decoder.decode(Arrays.copyOfRange(bytes, 0, 2))).isEmpty();
        assertThat(decoder.decode(Arrays.copyOfRange(bytes, 2, 4))).isEqualTo("中");
        assertThat(decoder.decode(Arrays.copyOfRange(bytes, 4, 6))).isEqualTo("文");
    }

    @Test
    void shouldReplaceADanglingSequenceOnlyAtFinish() {
        Utf8StreamDecoder decoder = new Utf8StreamDecoder();

        assertThat(decoder.decode(new byte[] {'o', 'k', (byte) 0xE4, (byte) 0xB8})).isEqualTo("ok");
        assertThat(decoder.finish()).isEqualTo("\uFFFD");
    }

    @Test
    void shouldReplaceInvalidBytesAtOnceAsStringDecodingDoes() {
        byte[] bytes = {'a', (byte) 0xFF, 'b', (byte) 0xE4, 'c', (byte) 0x80};
        Utf8StreamDecoder decoder = new Utf8StreamDecoder();

        String out = decoder.decode(bytes) + decoder.finish();

        assertThat(out).isEqualTo(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("a\uFFFDb\uFFFDc\uFFFD");
    }

    @Test
    void shouldMatchWholeDecodingForRandomBytesSplitAnywhere() {
        Random random = new Random(42);
        for (int round = 0; round < 500; round++) {
            byte[] bytes = randomMostlyUtf8(random);
            Utf8StreamDecoder decoder = new Utf8StreamDecoder();
            StringBuilder out = new StringBuilder();
            int at = 0;
            while (at < bytes.length) {
                int n = Math.min(bytes.length - at, random.nextInt(5));
                out.append(decoder.decode(Arrays.copyOfRange(bytes, at, at + n)));
                at += n;
            }
            out.append(decoder.finish());

            assertThat(out.toString()).as("round %d", round).isEqualTo(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldStartCleanAfterFinish() {
        Utf8StreamDecoder decoder = new Utf8StreamDecoder();
        decoder.decode(new byte[] {(byte) 0xF0, (byte) 0x9F});
        decoder.finish();

        assertThat(decoder.decode("x".getBytes(StandardCharsets.UTF_8))).isEqualTo("x");
    }

    private static byte[] randomMostlyUtf8(Random random) {
        StringBuilder text = new StringBuilder();
        String[] parts = {"a", "é", "中", "😀", " ", "ß", "🇩🇪", "\n"};
        for (int i = random.nextInt(12); i > 0; i--) {
            text.append(parts[random.nextInt(parts.length)]);
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0 && random.nextInt(3) == 0) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256); // sometimes not UTF-8 at all
        }
        return bytes;
    }
}
