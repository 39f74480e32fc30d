package dev.npufleet.launcher.chaos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Small statistics of the suite's figures: time from a kill to the next token of each stream it stalled. */
final class ChaosFigures {

    private ChaosFigures() {
    }

    /**
     * For each kill, the longest wait any stream had across it (last content delta before the kill to the first
     * after it): the time the killed board's clients waited for their answer to go on elsewhere.
     */
    static List<Double> stallsAfterKills(Collection<ChaosLoad.Result> results, List<Long> killNanos) {
        List<Double> stalls = new ArrayList<>();
        for (long kill : killNanos) {
            long worst = -1;
            for (ChaosLoad.Result r : results) {
                List<Long> t = r.outcome().deltaNanos();
                for (int i = 1; i < t.size(); i++) {
                    if (t.get(i - 1) <= kill && t.get(i) > kill) {
                        worst = Math.max(worst, t.get(i) - t.get(i - 1));
                    }
                }
            }
            if (worst >= 0) {
                stalls.add(worst / 1e9);
            }
        }
        return stalls;
    }

    /** "p50 x s, p90 y s, max z s (n)" of seconds. */
    static String summary(List<Double> seconds) {
        if (seconds.isEmpty()) {
            return "no stream was under way at a kill";
        }
        List<Double> s = new ArrayList<>(seconds);
        s.sort(null);
        return String.format(Locale.ROOT, "p50 %.1f s, p90 %.1f s, max %.1f s (%d kills that stalled a stream)",
                at(s, 0.5), at(s, 0.9), s.get(s.size() - 1), s.size());
    }

    private static double at(List<Double> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * (sorted.size() - 1) + 0.5)));
    }
}
