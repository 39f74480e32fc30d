package dev.npufleet.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

class HopReportTest {

    private final HopReport report = new HopReport(List.of(new HopReport.Hop("accept", 0.4125),
            new HopReport.Hop("kafka", 2.0), new HopReport.Hop("ttfb", 12.3456)));

    @Test
    void shouldWriteAServerTimingValueInMillisecondsToTheMicrosecond() {
        assertThat(report.serverTiming()).isEqualTo("accept;dur=0.413, kafka;dur=2.000, ttfb;dur=12.346");
    }

    @Test
    void shouldReadItsOwnServerTimingBackAndSkipEntriesWithoutADuration() {
        HopReport read = HopReport.parseServerTiming(report.serverTiming() + ", cache;desc=\"hit\", db;dur=3.5");

        assertThat(read.hops()).extracting(HopReport.Hop::name).containsExactly("accept", "kafka", "ttfb", "db");
        assertThat(read.get("ttfb")).hasValue(12.346);
        assertThat(HopReport.parseServerTiming(null).hops()).isEmpty();
    }

    @Test
    void shouldWriteAChunkWithNoChoicesAndTheTimingField() throws Exception {
        CompletionFormat format = CompletionFormat.of(JobKind.CHAT, "019ac6f0-0000-7000-8000-000000000000", "m",
                1_764_230_000_000L, null);

        JsonNode chunk = JsonCodec.mapper().readTree(report.openAiChunk(format));

        assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(chunk.get("id").asText()).isEqualTo(format.id());
        assertThat(chunk.get("choices")).isEmpty();
        assertThat(chunk.get("npufleet_timing").get("kafka").asDouble()).isEqualTo(2.0);
        assertThat(chunk.get("npufleet_timing").get("accept").asDouble()).isEqualTo(0.413);
    }

    @Test
    void shouldRejectNamesThatAreNotTokensAndNegativeDurations() {
        assertThatThrownBy(() -> new HopReport.Hop("a b", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HopReport.Hop("a", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HopReport.Hop("a", Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldFormatDurationsAsTheFormatterDoes() {
        java.util.Random random = new java.util.Random(15);
        List<Double> values = new java.util.ArrayList<>(List.of(0.0, -0.0, 0.001, 0.0005, 0.01, 0.1, 1.0, 1.0005,
                2.675, 999.9995, 1e6, 123456789.123, 1e12, 1e15, Double.MIN_VALUE, Double.MAX_VALUE));
        for (int i = 0; i < 20_000; i++) {
            values.add(Math.round(random.nextDouble() * Math.pow(10, random.nextInt(10))) / 1000.0); // whole µs
            values.add(random.nextDouble() * Math.pow(10, random.nextInt(8))); // anything
        }
        for (double ms : values) {
            assertThat(HopReport.format(ms)).as("%s", ms).isEqualTo(String.format(java.util.Locale.ROOT, "%.3f", ms));
        }
    }
}
