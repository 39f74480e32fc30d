package dev.npufleet.launcher.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of one benchmark run, derived from its request results.
 *
 * @param label what was run (e.g. {@code "fleet, one-cache"})
 * @param aggregateTokensPerSecond completion tokens of all counted requests over the wall time
 * @param cacheHitRate share of successful requests whose usage said {@code cache_hit}
 * @param maxMeanLoad most requests served by one board over the mean per board (1.0 = even)
 */
public record BenchSummary(String label, int requests, int errors, Map<String, Integer> errorsByKind, Stats ttftMs,
        Stats e2eMs, Stats tokensPerSecondPerRequest, double aggregateTokensPerSecond, double requestsPerSecond,
        double cacheHitRate, Map<String, Integer> requestsByWorker, double maxMeanLoad, double wallSeconds) {

    public static BenchSummary of(String label, List<RequestResult> results, Duration wall) {
        List<RequestResult> ok = results.stream().filter(RequestResult::ok).toList();
        Map<String, Integer> errors = new TreeMap<>();
        results.stream().filter(r -> !r.ok()).forEach(r -> errors.merge(r.errorKind(), 1, Integer::sum));
        Map<String, Integer> byWorker = new TreeMap<>();
        ok.stream().filter(r -> r.worker() != null).forEach(r -> byWorker.merge(r.worker(), 1, Integer::sum));
        double seconds = wall.toNanos() / 1e9;
        long tokens = ok.stream().mapToLong(RequestResult::completionTokens).sum();
        double hits = ok.isEmpty() ? Double.NaN : ok.stream().filter(RequestResult::cacheHit).count() / (double) ok.size();
        return new BenchSummary(label, results.size(), results.size() - ok.size(), errors,
                Stats.of(ok, RequestResult::ttftMs), Stats.of(ok, RequestResult::e2eMs),
                Stats.of(ok, RequestResult::tokensPerSecond), tokens / seconds, ok.size() / seconds, hits, byWorker,
                maxOverMean(byWorker), seconds);
    }

    private static double maxOverMean(Map<String, Integer> byWorker) {
        if (byWorker.isEmpty()) {
            return Double.NaN;
        }
        double mean = byWorker.values().stream().mapToInt(Integer::intValue).average().orElse(1);
        return byWorker.values().stream().mapToInt(Integer::intValue).max().orElse(0) / mean;
    }
}
