package dev.npufleet.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The prepared chunk frames must equal, byte for byte, what the JSON generator wrote for the same text. */
class ChunkFramesTest {
    private static final List<CompletionFormat> FORMATS = List.of(
            CompletionFormat.of(JobKind.CHAT, "0190-abc", "qwen3-0.6b-sim", 1_700_000_000_999L, null),
            CompletionFormat.of(JobKind.COMPLETION, "0190-abc", "qwen", 1_700_000_000_999L, "sys"),
            // a model name holding the template's own mark must not confuse where the text goes
            CompletionFormat.of(JobKind.CHAT, "J", "odd\u0000\"model\\", 0L, null));

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    private static void assertSameAsGenerator(String text, long id) {
        for (CompletionFormat format : FORMATS) {
            ChunkFrames frames = ChunkFrames.of(format);
            assertThat(bytes(frames.text(id, text))).as("text %s", format)
                    .isEqualTo(bytes(SseFrames.event(id, format.textChunk(text))));
            assertThat(bytes(frames.reasoning(id, text))).as("reasoning %s", format)
                    .isEqualTo(bytes(SseFrames.event(id, format.reasoningChunk(text))));
        }
    }

    @Test
    void shouldEscapeEveryAsciiCharacterAsTheGeneratorDoes() {
        for (char c = 0; c < 0x80; c++) {
            assertSameAsGenerator("a" + c + "b", c);
            assertSameAsGenerator(String.valueOf(c), 0);
        }
    }

    @Test
    void shouldWriteMultiByteAndNonBmpCharactersAsTheGeneratorDoes() {
        assertSameAsGenerator("é ß ñ ü € ✓ 中文 \u2028\u2029 \u00A0 \uFFFD \uFEFF", 7);
        assertSameAsGenerator("emoji \uD83D\uDE00 and \uD83D\uDC4D\uD83C\uDFFD, math \uD835\uDC00", 12_345_678_901L);
        assertSameAsGenerator("\uD800\uDC00\uDBFF\uDFFF", 9);
    }

    @Test
    void shouldWriteLoneSurrogatesAsTheGeneratorDoes() {
        assertSameAsGenerator("a\uD83Dz", 1);
        assertSameAsGenerator("a\uDE00z", 1);
        assertSameAsGenerator("end\uD83D", 1);
        assertSameAsGenerator("\uDE00\uD83D", 1);
    }

    @Test
    void shouldMatchTheGeneratorOnRandomText() {
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(12);
            for (int j = 0; j < length; j++) {
                text.append(switch (random.nextInt(4)) {
                    case 0 -> (char) random.nextInt(0x80);
                    case 1 -> (char) random.nextInt(0x800);
                    case 2 -> (char) random.nextInt(0x10000);
                    default -> new String(Character.toChars(0x10000 + random.nextInt(0x100000)));
                });
            }
            assertSameAsGenerator(text.toString(), random.nextInt(100_000));
        }
    }

    @Test
    void shouldWriteEmptyTextAndLargeIds() {
        assertSameAsGenerator("", 0);
        assertSameAsGenerator("x", Long.MAX_VALUE);
    }

    @Test
    void shouldReadBackAsTheSameText() throws Exception {
        String text = "Hi \"there\"\n\t\\ \u0001 \uD83D\uDE00 é";
        ByteBuffer frame = ChunkFrames.of(FORMATS.get(0)).text(31, text);
        String sse = StandardCharsets.UTF_8.decode(frame).toString();

        assertThat(sse).startsWith("id: 31\ndata: {").endsWith("}\n\n");
        JsonNode chunk = JsonCodec.mapper().readTree(sse.substring(sse.indexOf("data: ") + 6));
        assertThat(chunk.at("/choices/0/delta/content").asText()).isEqualTo(text);
    }

    @Test
    void shouldRefuseANegativeId() {
        ChunkFrames frames = ChunkFrames.of(FORMATS.get(0));
        assertThatThrownBy(() -> frames.text(-1, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCountEscapedLengthsExactly() {
        List<String> samples = new ArrayList<>(List.of("", "plain", "\"\\/", "\u0000\u001F\u007F", "é€\uD83D\uDE00"));
        for (String sample : samples) {
            byte[] out = new byte[JsonText.escapedLength(sample) + 3];
            assertThat(JsonText.write(sample, out, 3)).isEqualTo(out.length);
        }
    }
}
