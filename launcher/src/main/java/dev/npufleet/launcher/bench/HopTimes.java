package dev.npufleet.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.gateway.api.HopReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fleet's per-hop timing as the benchmark reads it back from the gateway (a {@code Server-Timing} header or a
 * stream's {@code npufleet_timing} object), and the table of its order statistics over a run: no timestamp of the
 * benchmark's own goes into it. Stateless; any thread.
 */
final class HopTimes {

    private HopTimes() {
    }

    static Map<String, Double> of(HopReport report) {
        Map<String, Double> out = new LinkedHashMap<>();
        report.hops().forEach(h -> out.put(h.name(), h.ms()));
        return out;
    }

    static Map<String, Double> of(JsonNode field) {
        Map<String, Double> out = new LinkedHashMap<>();
        field.fields().forEachRemaining(e -> {
            if (e.getValue().isNumber()) {
                out.put(e.getKey(), e.getValue().asDouble());
            }
        });
        return out;
    }

    /**
     * A Markdown table with a row per hop (in path order, as the fleet returned them): how many requests had it,
     * p50, p90, p99 and mean in milliseconds; then the client's own TTFT for comparison. Empty when no request had
     * hops (an older gateway).
     */
    static String table(List<RequestResult> results) {
        List<RequestResult> ok = results.stream().filter(RequestResult::ok).toList();
        List<String> names = new ArrayList<>();
        ok.forEach(r -> r.hops().keySet().stream().filter(n -> !names.contains(n)).forEach(names::add));
        if (names.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("| hop (fleet's own timing) | requests | p50 ms | p90 ms | p99 ms | mean ms |\n")
                .append("|---|---:|---:|---:|---:|---:|\n");
        for (String name : names) {
            row(sb, name, Stats.of(ok, r -> r.hops().getOrDefault(name, Double.NaN)));
        }
        row(sb, "client TTFT (the benchmark's clock)", Stats.of(ok, RequestResult::ttftMs));
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, Stats s) {
        sb.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f | %.3f |%n", name, s.n(), s.p50(), s.p90(),
                s.p99(), s.mean()));
    }
}
