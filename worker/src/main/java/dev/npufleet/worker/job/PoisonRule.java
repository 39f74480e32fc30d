package dev.npufleet.worker.job;

import java.util.HashSet;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Decides when a job is poison, from the evidence a worker has: the job's own history in Kafka (each attempt that
 * started and left no end, and on which board) and this board's marker (how many times in a row this board died
 * while running the job). A job that crashes the runtime does so on every board; a board killed from outside (a
 * kill loop, the OOM killer, a reboot) dies whatever job it runs, and the job then ends elsewhere or at its next
 * try. So an attempt lost on one board alone is not held against the job:
 * <ul>
 *   <li>the job is poison when at least {@code maxAttempts} of its attempts were lost, fleet-wide, on at least two
 *       different boards;</li>
 *   <li>or when one board lost {@code 2 × maxAttempts} of its attempts: counted in the job's history (any order,
 *       any board), or by this board's marker (deaths in a row, for attempts whose {@code STARTED} never reached
 *       the log). This covers a fleet of one board, where no second board can give evidence, and a board that a
 *       supervisor restarts inside the session timeout: it gets the job's partition back every time, so no second
 *       board meets the job, and other jobs it runs between two crashes break its marker's row.</li>
 * </ul>
 * A lost attempt may also be one given up for a revocation or a broker outage: the two-board rule keeps those from
 * adding up to a dead letter unless the job keeps failing across boards. Stateless; any thread.
 */
public final class PoisonRule {

    private final int maxAttempts;

    public PoisonRule(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    /**
     * @param localDeaths times this board died running the job, in a row (its marker's count; 0 for none)
     * @param prior what the job's history shows
     * @return why the job is poison, or null when it should run
     */
    public String verdict(int localDeaths, PriorAttempt prior) {
        int lost = prior.lostOn().size();
        int boards = new HashSet<>(prior.lostOn()).size();
        if (lost >= maxAttempts && boards >= 2) {
            return "crashed " + lost + " attempts on " + boards + " boards";
        }
        if (localDeaths >= 2 * maxAttempts) {
            return "crashed this board " + localDeaths + " times in a row";
        }
        Map<String, Long> perBoard = prior.lostOn().stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        for (Map.Entry<String, Long> e : perBoard.entrySet()) {
            if (e.getValue() >= 2L * maxAttempts) {
                return "crashed " + e.getValue() + " attempts on board " + e.getKey();
            }
        }
        return null;
    }
}
