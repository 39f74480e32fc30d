package dev.npufleet.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChaosFiguresTest {

    private static final long S = 1_000_000_000L;

    @Test
    void shouldTimeEachStreamTheKilledBoardWasAnsweringFromTheKillToItsNextToken() {
        // Given board-1 killed at 10 s: job a was under way there (tokens at 9.9 s, then 16.5 s from board-2)
        ChaosLoad.Result cut = stream("a", 9_900_000_000L, 16_500_000_000L);
        // job b flowed on board-3 across the kill; job c was on board-1 but had ended before the kill;
        // job d spans the kill with a long gap but board-1 never ran it
        ChaosLoad.Result flowing = stream("b", 9_950_000_000L, 10_020_000_000L);
        ChaosLoad.Result ended = stream("c", 8 * S, 9 * S);
        ChaosLoad.Result slow = stream("d", 9 * S, 13 * S);
        Map<String, List<String>> starts = Map.of("a", List.of("board-1", "board-2"), "b", List.of("board-3"),
                "c", List.of("board-1"), "d", List.of("board-2"));

        List<Double> times = ChaosFigures.nextTokensAfterKills(List.of(cut, flowing, ended, slow),
                List.of(new ChaosFigures.Kill(10 * S, "board-1"), new ChaosFigures.Kill(30 * S, "board-3")), starts);

        // Then only job a counts: 6.5 s from the kill to its next token
        assertThat(times).containsExactly(6.5);
        assertThat(ChaosFigures.summary(List.of(7.0, 1.0, 3.0), "streams cut by a kill", "none"))
                .isEqualTo("p50 3.0 s, p90 7.0 s, max 7.0 s (3 streams cut by a kill)");
    }

    @Test
    void shouldTimeEachAsyncJobTheKilledBoardWasRunningFromTheKillToItsEnd() {
        // Given board-1 killed at 10 s: a job seen running there at 9.8 s, completed at 17.5 s (on board-2)
        ChaosLoad.Result cut = async(poll(9_800_000_000L, "in_progress", "board-1"),
                poll(12 * S, "in_progress", "board-2"), poll(17_500_000_000L, "completed", "board-2"));
        // a job running on another board, one that board-1 had finished before the kill, one still queued there
        ChaosLoad.Result elsewhere = async(poll(9_900_000_000L, "in_progress", "board-3"),
                poll(11 * S, "completed", "board-3"));
        ChaosLoad.Result before = async(poll(9 * S, "in_progress", "board-1"), poll(9_700_000_000L, "completed",
                "board-1"));
        ChaosLoad.Result queued = async(poll(9_900_000_000L, "queued", null), poll(14 * S, "completed", "board-2"));
        // and a job cut by the kill that never completed: no time, it counts among the lost
        ChaosLoad.Result lost = async(poll(9_900_000_000L, "in_progress", "board-1"), poll(20 * S, "failed", null));
        ChaosLoad.Result stream = new ChaosLoad.Result(true, "p",
                new ChaosClient.Outcome("ab", true, null, List.of(9 * S, 16 * S)));

        List<Double> times = ChaosFigures.finishesAfterKills(List.of(cut, elsewhere, before, queued, lost, stream),
                List.of(new ChaosFigures.Kill(10 * S, "board-1"), new ChaosFigures.Kill(30 * S, "board-2")));

        // Then only the job cut on board-1 counts, 7.5 s after its kill
        assertThat(times).containsExactly(7.5);
        assertThat(ChaosFigures.summary(times, "async jobs cut by a kill", "none"))
                .isEqualTo("p50 7.5 s, p90 7.5 s, max 7.5 s (1 async jobs cut by a kill)");
        assertThat(ChaosFigures.summary(List.of(), "async jobs cut by a kill", "none")).isEqualTo("none");
    }

    private static ChaosLoad.Result stream(String jobId, long... deltas) {
        return new ChaosLoad.Result(true, "p", new ChaosClient.Outcome("ab", true, null,
                Arrays.stream(deltas).boxed().toList(), List.of(), jobId));
    }

    private static ChaosClient.Poll poll(long nanos, String status, String worker) {
        return new ChaosClient.Poll(nanos, status, worker);
    }

    private static ChaosLoad.Result async(ChaosClient.Poll... polls) {
        boolean completed = "completed".equals(polls[polls.length - 1].status());
        return new ChaosLoad.Result(false, "p",
                new ChaosClient.Outcome(completed ? "ab" : "", completed, completed ? null : "failed", List.of(),
                        List.of(polls)));
    }
}
