package dev.npufleet.launcher.chaos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Small statistics of the suite's figures: time from a kill to the next token of each stream the killed board was
 * answering, and to the end of each asynchronous job it was running.
 */
final class ChaosFigures {

    /** One SIGKILL of the kill loop: when, and which board. */
    record Kill(long nanos, String board) {
    }

    private ChaosFigures() {
    }

    /**
     * For each kill, each stream the killed board was answering: the time from the kill to the stream's next
     * content delta, from whichever board took the job over. A stream counts when the board had started its job
     * (a {@code STARTED} from it in the job's history, with a later start after it), it had a delta before the
     * kill and one after it; streams on other boards, which flowed on, are not counted.
     *
     * @param starts job id to the boards that started it, in order ({@link JobStarts})
     */
    static List<Double> nextTokensAfterKills(Collection<ChaosLoad.Result> results, List<Kill> kills,
            Map<String, List<String>> starts) {
        List<Double> times = new ArrayList<>();
        for (Kill kill : kills) {
            for (ChaosLoad.Result r : results) {
                List<String> boards = r.outcome().jobId() == null ? List.of()
                        : starts.getOrDefault(r.outcome().jobId(), List.of());
                int on = boards.indexOf(kill.board());
                if (!r.streamed() || on < 0 || on == boards.size() - 1) {
                    continue; // not on the killed board, or no later start
                }
                List<Long> t = r.outcome().deltaNanos();
                for (int i = 1; i < t.size(); i++) {
                    if (t.get(i - 1) <= kill.nanos() && t.get(i) > kill.nanos()) {
                        times.add((t.get(i) - kill.nanos()) / 1e9);
                    }
                }
            }
        }
        return times;
    }

    /**
     * For each kill, each asynchronous job that its last poll before the kill saw running on the killed board
     * ({@code in_progress}, naming it) and that completed: the time from the kill to the first poll that saw it
     * completed, on whichever board finished it. Polls come every 250 ms, so a job the board took up in the last
     * 250 ms before the kill is not seen, and each time is late by up to a poll.
     */
    static List<Double> finishesAfterKills(Collection<ChaosLoad.Result> results, List<Kill> kills) {
        List<Double> times = new ArrayList<>();
        for (Kill kill : kills) {
            for (ChaosLoad.Result r : results) {
                ChaosClient.Poll before = null;
                ChaosClient.Poll end = null;
                for (ChaosClient.Poll p : r.outcome().polls()) {
                    if (p.nanos() <= kill.nanos()) {
                        before = p;
                    } else if (end == null && "completed".equals(p.status())) {
                        end = p;
                    }
                }
                if (before != null && end != null && "in_progress".equals(before.status())
                        && kill.board().equals(before.worker())) {
                    times.add((end.nanos() - kill.nanos()) / 1e9);
                }
            }
        }
        return times;
    }

    /** "p50 x s, p90 y s, max z s (n what)" of seconds, or {@code none} when there are none. */
    static String summary(List<Double> seconds, String what, String none) {
        if (seconds.isEmpty()) {
            return none;
        }
        List<Double> s = new ArrayList<>(seconds);
        s.sort(null);
        return String.format(Locale.ROOT, "p50 %.1f s, p90 %.1f s, max %.1f s (%d %s)",
                at(s, 0.5), at(s, 0.9), s.get(s.size() - 1), s.size(), what);
    }

    private static double at(List<Double> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * (sorted.size() - 1) + 0.5)));
    }
}
