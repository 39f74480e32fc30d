package dev.npufleet.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoisonRuleTest {

    private final PoisonRule rule = new PoisonRule(3);

    @Test
    void shouldHoldAJobAgainstLostAttemptsOnlyWhenTwoBoardsLostIt() {
        // Given three lost attempts on two boards, and three on one board
        PriorAttempt twoBoards = lost("board-1", "board-2", "board-1");
        PriorAttempt oneBoard = lost("board-1", "board-1", "board-1");

        // Then the first is poison; the second may be a board killed from outside, so the job runs again
        assertThat(rule.verdict(0, twoBoards)).isEqualTo("crashed 3 attempts on 2 boards");
        assertThat(rule.verdict(0, oneBoard)).isNull();
        assertThat(rule.verdict(0, lost("board-1", "board-2"))).isNull();
    }

    @Test
    void shouldCountOneBoardsLostAttemptsFromTheHistoryWhateverRanBetweenThem() {
        // Given a board restarted inside the session timeout that got the job back every time: its marker's row was
        // broken by other jobs (1 death in a row), but the history shows five and then six attempts lost there
        PriorAttempt five = lost(Collections.nCopies(5, "board-2").toArray(String[]::new));
        PriorAttempt six = lost(Collections.nCopies(6, "board-2").toArray(String[]::new));

        // Then twice the attempts on one board makes it poison, one fewer does not
        assertThat(rule.verdict(1, five)).isNull();
        assertThat(rule.verdict(1, six)).isEqualTo("crashed 6 attempts on board board-2");
    }

    @Test
    void shouldStillTrustTheMarkerWhereTheHistoryShowsNothing() {
        // Given a one-board fleet whose marker counted six deaths in a row, attempts the log did not keep
        assertThat(rule.verdict(6, PriorAttempt.NONE)).isEqualTo("crashed this board 6 times in a row");
        assertThat(rule.verdict(5, PriorAttempt.NONE)).isNull();
    }

    @Test
    void shouldNeverHoldAnEndedJobsHistoryAgainstIt() {
        // Given a job whose history has an end: its lost attempts no longer count
        PriorAttempt ended = new PriorAttempt(true, "done", 4, 7, List.of("board-1", "board-2", "board-3"));

        assertThat(rule.verdict(0, ended)).isNull();
    }

    private static PriorAttempt lost(String... boards) {
        return new PriorAttempt(false, "", 0, boards.length, List.of(boards));
    }
}
