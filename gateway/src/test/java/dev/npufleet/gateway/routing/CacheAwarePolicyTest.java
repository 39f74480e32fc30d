package dev.npufleet.gateway.routing;

import static dev.npufleet.gateway.routing.Board.MODEL;
import static dev.npufleet.gateway.routing.Board.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.WorkerStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CacheAwarePolicyTest {
    private static final Duration STALE = Duration.ofSeconds(15);
    private final CacheAwarePolicy policy = new CacheAwarePolicy(RoutingSettings.defaults(), STALE);

    /** A job naming cache {@code coding} (revision r1): a prefix of {@code prefixTokens}, 25 tokens of its own. */
    private static RouteRequest coding(double prefixTokens) {
        return new RouteRequest(MODEL, MODEL + "/coding", "coding", "r1", prefixTokens + 25, prefixTokens);
    }

    private static RouteRequest plain(String jobId, double tokens) {
        return new RouteRequest(MODEL, jobId, null, null, tokens, 0);
    }

    private static FleetSnapshot snapshot(List<WorkerStatus> statuses, Map<String, Integer> inFlight,
            Set<String> pending) {
        return new FleetSnapshot(statuses, inFlight, pending, TypicalJob.DEFAULT);
    }

    @Test
    void shouldKeepAffinityWithTheCacheHolderWhenTheFleetIsIdle() {
        List<WorkerStatus> fleet = Board.fleet(Board.of("a", 0, 1), Board.of("b", 2, 3).holding("coding", "r1"),
                Board.of("c", 4, 5));

        RouteDecision decision = policy.decide(coding(500), FleetSnapshot.of(fleet), NOW);

        assertThat(decision.board()).isEqualTo("b");
        assertThat(decision.reason()).isEqualTo(RouteReason.CACHE_HOLDER);
        assertThat(decision.partition().getAsInt()).isIn(2, 3);
        assertThat(decision.policy()).isEqualTo(RoutingPolicy.CACHE_AWARE);
        assertThat(decision.estimatedTtftMs()).isCloseTo(1000 * 25 / 640.0, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void shouldSpillAHotCacheToTheLeastLoadedBoardWhenTheHolderIsOverTheBound() {
        List<WorkerStatus> fleet = Board.fleet(Board.of("a", 0, 1).holding("coding", "r1").queue(10),
                Board.of("b", 2, 3).queue(2), Board.of("c", 4, 5));

        RouteDecision decision = policy.decide(coding(5_000), FleetSnapshot.of(fleet), NOW);

        // a: load 10 > 1.25 x 12/3 + 1 = 6, so not eligible even though its prefill would be far shorter
        assertThat(decision.board()).isEqualTo("c");
        assertThat(decision.reason()).isEqualTo(RouteReason.SPILL_OVERLOADED);
    }

    @Test
    void shouldStayWithAQueuedHolderWhileItsQueueCostsLessThanAPrefillElsewhere() {
        List<WorkerStatus> fleet = Board.fleet(Board.of("a", 0).holding("coding", "r1").queue(1), Board.of("b", 1),
                Board.of("c", 2));

        // one queued job (~4 s) against 5000 tokens of prefill on an idle board (~7.8 s)
        RouteDecision decision = policy.decide(coding(5_000), FleetSnapshot.of(fleet), NOW);

        assertThat(decision.board()).isEqualTo("a");
        assertThat(decision.reason()).isEqualTo(RouteReason.CACHE_HOLDER);
    }

    @Test
    void shouldSpillToAnIdleBoardWhenItsPrefillIsShorterThanTheHoldersQueue() {
        List<WorkerStatus> fleet = Board.fleet(Board.of("a", 0).holding("coding", "r1").queue(1), Board.of("b", 1),
                Board.of("c", 2));

        // one queued job (~4 s) against 200 tokens of prefill (~0.3 s)
        RouteDecision decision = policy.decide(coding(200), FleetSnapshot.of(fleet), NOW);

        assertThat(decision.board()).isIn("b", "c");
        assertThat(decision.reason()).isEqualTo(RouteReason.SPILL_OVERLOADED);
    }

    @Test
    void shouldIgnoreAStaleStatus() {
        List<WorkerStatus> fleet = Board.fleet(Board.of("a", 0).holding("coding", "r1").at(NOW - 15_001),
                Board.of("b", 1).queue(3));

        RouteDecision decision = policy.decide(coding(5_000), FleetSnapshot.of(fleet), NOW);

        assertThat(decision.board()).isEqualTo("b");
        assertThat(decision.reason()).isEqualTo(RouteReason.NEW_REPLICA_ON_KEY_OWNER);
        assertThat(policy.estimates(coding(5_000), FleetSnapshot.of(fleet), NOW)).extracting(BoardEstimate::board)
                .containsExactly("b");
    }

    @Test
    void shouldLeaveItToTheKeyHashWithoutAFleetView() {
        RouteDecision none = policy.decide(coding(100), FleetSnapshot.of(List.of()), NOW);
        RouteDecision allStale = policy.decide(coding(100),
                FleetSnapshot.of(Board.fleet(Board.of("a", 0).at(NOW - 60_000))), NOW);

        assertThat(none.partition()).isEmpty();
        assertThat(none.board()).isNull();
        assertThat(none.reason()).isEqualTo(RouteReason.NO_FLEET_VIEW);
        assertThat(none.header()).isEqualTo("cache-aware;NO_FLEET_VIEW;-;-");
        assertThat(allStale.reason()).isEqualTo(RouteReason.NO_FLEET_VIEW);
    }

    @Test
    void shouldNeverChooseABoardWithoutPartitionsOrOneThatIsDraining() {
        List<WorkerStatus> fleet = Board.fleet(Board.of("a").holding("coding", "r1"),
                Board.of("b", 1).holding("coding", "r1").draining(), Board.of("c", 2).queue(4));

        RouteDecision decision = policy.decide(coding(5_000), FleetSnapshot.of(fleet), NOW);

        assertThat(decision.board()).isEqualTo("c");
        assertThat(decision.partition()).hasValue(2);
    }

    @Test
    void shouldHonourCapacityWeights() {
        List<WorkerStatus> fleet = Board.fleet(Board.of("big", 0, 1).capacity(2), Board.of("small", 2, 3));
        Map<String, Integer> inFlight = new HashMap<>();

        for (int i = 0; i < 30; i++) {
            RouteDecision d = policy.decide(plain("job-" + i, 100), snapshot(fleet, inFlight, Set.of()), NOW);
            inFlight.merge(d.board(), 1, Integer::sum);
        }

        assertThat(inFlight.get("big")).isBetween(19, 21);
        assertThat(inFlight.get("small")).isBetween(9, 11);
    }

    @Test
    void shouldWeighMeasuredRatesAboveTheDefaults() {
        List<WorkerStatus> fleet = Board.fleet(Board.of("slow", 0).rates(200, 10), Board.of("fast", 1).rates(2000, 40));

        RouteDecision decision = policy.decide(plain("long-prompt", 4_000), FleetSnapshot.of(fleet), NOW);

        assertThat(decision.board()).isEqualTo("fast");
        assertThat(decision.estimatedTtftMs()).isCloseTo(2000, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void shouldCountThisGatewaysJobsInFlightWhenTheStatusLagsBehind() {
        List<WorkerStatus> fleet = Board.fleet(Board.of("a", 0).holding("coding", "r1"), Board.of("b", 1),
                Board.of("c", 2));

        RouteDecision decision = policy.decide(coding(5_000), snapshot(fleet, Map.of("a", 6), Set.of()), NOW);

        assertThat(decision.board()).isIn("b", "c");
        assertThat(decision.reason()).isEqualTo(RouteReason.SPILL_OVERLOADED);
    }

    @Test
    void shouldSpreadABurstForOneCacheWithinTheLoadBound() {
        List<WorkerStatus> fleet = Board.fleet(Board.of("a", 0, 1).holding("coding", "r1"), Board.of("b", 2, 3),
                Board.of("c", 4, 5));
        Map<String, Integer> inFlight = new HashMap<>(Map.of("a", 0, "b", 0, "c", 0));
        Set<String> pending = new HashSet<>();
        RouteRequest hot = coding(50_000); // a prefill so long that only the bound moves jobs off the holder

        for (int i = 0; i < 20; i++) {
            RouteDecision d = policy.decide(hot, snapshot(fleet, inFlight, pending), NOW);
            double mean = inFlight.values().stream().mapToInt(Integer::intValue).sum() / 3.0;
            assertThat((double) inFlight.get(d.board())).as("load of %s before job %d", d.board(), i)
                    .isLessThanOrEqualTo(1.25 * mean + 1);
            inFlight.merge(d.board(), 1, Integer::sum);
            pending.add(d.board()); // as the router does: the board builds a replica for the jobs that follow
        }

        assertThat(inFlight.values()).allSatisfy(n -> assertThat(n).isBetween(5, 9));
        // without its in-flight counts the policy would have herded the whole burst onto the holder
        assertThat(IntStream.range(0, 20).mapToObj(i -> policy.decide(hot, FleetSnapshot.of(fleet), NOW).board()))
                .containsOnly("a");
    }

    @Test
    void shouldMeetOnTheKeyOwnerForEqualSystemPromptsWhileNoBoardHoldsTheirCache() {
        List<WorkerStatus> fleet = Board.fleet(Board.of("a", 0), Board.of("b", 1), Board.of("c", 2));
        RouteRequest sys = new RouteRequest(MODEL, MODEL + "/sys:0123456789abcdef", "auto-0123456789abcdef", null,
                300, 250);

        Set<String> boards = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            boards.add(policy.decide(sys, FleetSnapshot.of(fleet), NOW).board());
        }
        Set<String> owners = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            owners.add(policy.decide(new RouteRequest(MODEL, MODEL + "/sys:" + i, "auto-" + i, null, 300, 250),
                    FleetSnapshot.of(fleet), NOW).board());
        }

        assertThat(boards).hasSize(1);
        assertThat(policy.decide(sys, FleetSnapshot.of(fleet), NOW).reason())
                .isEqualTo(RouteReason.NEW_REPLICA_ON_KEY_OWNER);
        assertThat(owners).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void shouldMeetTheAutomaticCacheOfASystemPromptOfAnyRevision() {
        List<WorkerStatus> fleet = Board.fleet(Board.of("a", 0), Board.of("b", 1).holding("auto-00ff", "whatever"),
                Board.of("c", 2));

        RouteDecision decision = policy.decide(new RouteRequest(MODEL, MODEL + "/sys:00ff", "auto-00ff", null, 900,
                800), FleetSnapshot.of(fleet), NOW);

        assertThat(decision.board()).isEqualTo("b");
        assertThat(decision.reason()).isEqualTo(RouteReason.CACHE_HOLDER);
    }

    @Test
    void shouldNotCountABoardHoldingAnotherRevisionAsAHolder() {
        List<WorkerStatus> fleet = Board.fleet(Board.of("a", 0).holding("coding", "r0"), Board.of("b", 1));

        List<BoardEstimate> estimates = policy.estimates(coding(500), FleetSnapshot.of(fleet), NOW);

        assertThat(estimates).noneMatch(BoardEstimate::holder);
    }

    @Test
    void shouldTreatAHolderInWaitingAsAHolder() {
        List<WorkerStatus> fleet = Board.fleet(Board.of("a", 0), Board.of("b", 1), Board.of("c", 2));

        // c has the build queued (in flight from this gateway), its status does not list the cache yet
        RouteDecision decision = policy.decide(coding(5_000), snapshot(fleet, Map.of("c", 1), Set.of("c")), NOW);

        assertThat(decision.board()).isEqualTo("c");
        assertThat(decision.reason()).isEqualTo(RouteReason.CACHE_HOLDER);
    }

    @Test
    void shouldPickTheSamePartitionOfABoardForTheSameKeyAndSpreadOtherKeys() {
        List<WorkerStatus> fleet = Board.fleet(Board.of("a", 7, 3, 5, 1));
        List<WorkerStatus> reordered = Board.fleet(Board.of("a", 1, 3, 5, 7));

        int first = policy.decide(plain("key-1", 10), FleetSnapshot.of(fleet), NOW).partition().getAsInt();
        Set<Integer> spread = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            spread.add(policy.decide(plain("key-" + i, 10), FleetSnapshot.of(fleet), NOW).partition().getAsInt());
        }

        assertThat(policy.decide(plain("key-1", 10), FleetSnapshot.of(reordered), NOW).partition()).hasValue(first);
        assertThat(spread).containsExactlyInAnyOrder(1, 3, 5, 7);
    }

    @Test
    void shouldDescribeTheDecisionInOneHeader() {
        RouteDecision decision = policy.decide(coding(500),
                FleetSnapshot.of(Board.fleet(Board.of("rk-1", 4).holding("coding", "r1"))), NOW);

        assertThat(decision.header()).isEqualTo("cache-aware;CACHE_HOLDER;rk-1;4");
    }
}
