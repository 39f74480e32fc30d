package dev.npufleet.gateway.metrics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Timings;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The last jobs this gateway saw finish, per model, as the boards measured them: time to first token (queue wait
 * included) and decode rate. What the fleet page shows as "recent"; Prometheus keeps the full histograms. Any
 * thread (the events consumer records, request threads read); guarded by this object.
 */
public final class RecentJobs {
    /** Jobs kept per model: enough for a stable median, few enough to follow a change within a minute. */
    static final int KEEP = 50;

    private record Sample(double ttftMs, double decodeTokensPerSecond, long at) {
    }

    private final Map<String, ArrayDeque<Sample>> byModel = new HashMap<>();

    /** A job's finish, with the board's timings (a job without a first token, e.g. a cache build, is not kept). */
    public synchronized void finished(String model, Timings timings, long nowMillis) {
        if (timings == null || timings.ttftMs() <= 0) {
            return;
        }
        ArrayDeque<Sample> samples = byModel.computeIfAbsent(model, m -> new ArrayDeque<>());
        samples.addLast(new Sample(timings.queueMs() + timings.ttftMs(), timings.decodeTokensPerSecond(), nowMillis));
        if (samples.size() > KEEP) {
            samples.removeFirst();
        }
    }

    /** {@code jobs}, {@code ttft_ms_p50}, {@code ttft_ms_p90}, {@code decode_tokens_per_second_p50}, {@code last_at}. */
    public synchronized ObjectNode json(String model) {
        ObjectNode o = JsonCodec.mapper().createObjectNode();
        ArrayDeque<Sample> samples = byModel.get(model);
        int n = samples == null ? 0 : samples.size();
        o.put("jobs", n);
        if (n == 0) {
            return o;
        }
        double[] ttft = samples.stream().mapToDouble(Sample::ttftMs).sorted().toArray();
        double[] decode = samples.stream().mapToDouble(Sample::decodeTokensPerSecond).filter(r -> r > 0).sorted()
                .toArray();
        o.put("ttft_ms_p50", Math.round(percentile(ttft, 0.5)));
        o.put("ttft_ms_p90", Math.round(percentile(ttft, 0.9)));
        o.put("decode_tokens_per_second_p50", Math.round(percentile(decode, 0.5) * 10) / 10.0);
        o.put("last_at", samples.peekLast().at());
        return o;
    }

    /** Nearest-rank percentile of sorted values; 0 for none. */
    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
