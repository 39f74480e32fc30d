package dev.npufleet.launcher.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Order statistics over a sample (NaNs ignored). Nearest-rank percentiles: a value that was measured. */
public record Stats(int n, double p50, double p90, double p99, double mean, double max) {

    public static <T> Stats of(List<T> items, ToDoubleFunction<T> metric) {
        double[] v = items.stream().mapToDouble(metric).filter(d -> !Double.isNaN(d)).sorted().toArray();
        return of(v);
    }

    public static Stats of(double[] sorted) {
        double[] v = sorted.clone();
        Arrays.sort(v);
        if (v.length == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Stats(v.length, rank(v, 0.50), rank(v, 0.90), rank(v, 0.99), Arrays.stream(v).average().orElse(0),
                v[v.length - 1]);
    }

    static double rank(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
