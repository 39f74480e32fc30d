package dev.npufleet.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.gateway.api.HopReport;
import dev.npufleet.protocol.JsonCodec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HopTimesTest {

    @Test
    void shouldReadTheHopsFromTheHeaderAndTheStreamFieldAlike() throws Exception {
        Map<String, Double> fromHeader = HopTimes.of(HopReport.parseServerTiming("accept;dur=0.400, kafka;dur=2.000"));
        Map<String, Double> fromField = HopTimes.of(JsonCodec.mapper().readTree(
                "{\"accept\":0.4,\"kafka\":2.0,\"note\":\"x\"}"));

        assertThat(fromHeader).containsExactly(Map.entry("accept", 0.4), Map.entry("kafka", 2.0));
        assertThat(fromField).isEqualTo(fromHeader);
    }

    @Test
    void shouldTabulateEachHopInPathOrderOverTheRequestsThatHadIt() {
        List<RequestResult> results = List.of(result(10, ordered("accept", 1.0, "kafka", 3.0)),
                result(12, ordered("accept", 2.0, "kafka", 5.0, "ttfb", 9.0)),
                result(11, ordered("accept", 3.0)), RequestResult.failed("io", 4));

        String table = HopTimes.table(results);

        assertThat(table.lines().toList()).containsSequence(
                "| accept | 3 | 2.000 | 3.000 | 3.000 | 2.000 |",
                "| kafka | 2 | 3.000 | 5.000 | 5.000 | 4.000 |",
                "| ttfb | 1 | 9.000 | 9.000 | 9.000 | 9.000 |",
                "| client TTFT (the benchmark's clock) | 3 | 11.000 | 12.000 | 12.000 | 11.000 |");
    }

    @Test
    void shouldWriteNoTableWhenTheGatewayReturnedNoHops() {
        assertThat(HopTimes.table(List.of(result(5, Map.of())))).isEmpty();
    }

    private static RequestResult result(double ttft, Map<String, Double> hops) {
        return new RequestResult(null, ttft, ttft + 5, 1, 1, 0, false, "w", "r", hops);
    }

    private static Map<String, Double> ordered(Object... pairs) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], (Double) pairs[i + 1]);
        }
        return out;
    }
}
