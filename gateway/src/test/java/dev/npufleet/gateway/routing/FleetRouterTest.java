package dev.npufleet.gateway.routing;

import static dev.npufleet.gateway.routing.Board.MODEL;
import static dev.npufleet.gateway.routing.Board.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.gateway.fleet.FleetView;
import dev.npufleet.gateway.metrics.GatewayMetrics;
import dev.npufleet.protocol.CacheBuild;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.ErrorInfo;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.RoutingKeys;
import dev.npufleet.protocol.Usage;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class FleetRouterTest {
    private static final CacheDefinition CODING = new CacheDefinition(MODEL, "coding", "r1", "x".repeat(20_000),
            null, false, 0, NOW);

    private final FleetView fleet = new FleetView(Duration.ofSeconds(15));
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final AtomicLong clock = new AtomicLong(NOW);

    private FleetRouter router(String policy) {
        return new FleetRouter(RoutingSettings.fromEnv(Map.of("NPUFLEET_ROUTING", policy)), fleet, metrics, clock::get);
    }

    private void boards(Board... boards) {
        for (Board b : boards) {
            var status = b.status();
            fleet.apply(status.workerId(), JsonCodec.encode(status));
        }
    }

    private static Job job(JobKind kind, CacheDefinition cache, String prompt) {
        return new Job(Protocol.VERSION, JobIds.newId(), MODEL, kind,
                kind == JobKind.CHAT ? List.of(ChatMessage.user(prompt)) : List.of(),
                kind == JobKind.COMPLETION ? prompt : null, cache == null ? null : Job.CacheRef.of(cache), null,
                "npu.events", NOW, NOW + 300_000);
    }

    private static RouteDecision route(FleetRouter router, Job job) {
        return router.route(job, RoutingKeys.forJob(job));
    }

    @Test
    void shouldSpreadABurstOfTwentyJobsForOneCacheOverThreeEqualBoardsWithinTheBound() {
        boards(Board.of("a", 0, 1).holding("coding", "r1"), Board.of("b", 2, 3), Board.of("c", 4, 5));
        FleetRouter router = router("cache-aware");
        Map<String, Integer> perBoard = new HashMap<>();

        for (int i = 0; i < 20; i++) {
            perBoard.merge(route(router, job(JobKind.CHAT, CODING, "question " + i)).board(), 1, Integer::sum);
        }

        // mean 6.7: the bound 1.25 x mean + 1 caps a board at 9 jobs (10 with the one placed at the bound)
        assertThat(perBoard).containsOnlyKeys("a", "b", "c");
        assertThat(perBoard.values()).allSatisfy(n -> assertThat(n).isBetween(4, 10));
        assertThat(router.view(NOW).inFlight()).isEqualTo(perBoard);
        assertThat(metrics.scrape())
                .contains("gateway_routing_decisions_total{policy=\"cache-aware\",reason=\"CACHE_HOLDER\"}")
                .contains("gateway_routing_decisions_total{policy=\"cache-aware\",reason=\"SPILL_OVERLOADED\"}");
    }

    @Test
    void shouldSendTheJobsAfterACacheBuildToTheBoardBuildingIt() {
        boards(Board.of("a", 0), Board.of("b", 1), Board.of("c", 2));
        FleetRouter router = router("cache-aware");
        Job build = job(JobKind.CACHE_BUILD, CODING, null);

        RouteDecision built = route(router, build);
        RouteDecision next = route(router, job(JobKind.CHAT, CODING, "first question"));

        assertThat(built.reason()).isEqualTo(RouteReason.NEW_REPLICA_ON_KEY_OWNER);
        assertThat(next.board()).isEqualTo(built.board());
        assertThat(next.reason()).isEqualTo(RouteReason.CACHE_HOLDER);
        assertThat(router.view(NOW).pendingCaches()).containsEntry(built.board(), List.of("coding", "coding"));
    }

    @Test
    void shouldKeepAFinishedBuildAsHolderUntilTheStatusShowsIt() {
        boards(Board.of("a", 0), Board.of("b", 1), Board.of("c", 2));
        FleetRouter router = router("cache-aware");
        String builder = buildCoding(router);

        RouteDecision next = route(router, job(JobKind.CHAT, CODING, "q"));
        boards(Board.of(builder, List.of("a", "b", "c").indexOf(builder)).holding("coding", "r1"));

        assertThat(next.board()).isEqualTo(builder);
        assertThat(next.reason()).isEqualTo(RouteReason.CACHE_HOLDER);
        assertThat(router.view(NOW).pendingCaches()).isEmpty();
    }

    @Test
    void shouldForgetAFinishedBuildTheStatusNeverShows() {
        boards(Board.of("a", 0), Board.of("b", 1), Board.of("c", 2));
        FleetRouter router = router("cache-aware");
        String builder = buildCoding(router);

        assertThat(router.view(NOW + 15_000).pendingCaches()).containsOnlyKeys(builder);
        assertThat(router.view(NOW + 15_001).pendingCaches()).isEmpty();
    }

    @Test
    void shouldNotCountAJobThatEndedAfterABoardsLastStatusAsQueuedThere() {
        // the builder's last status was published while it built (queue 1); its FINISH came after that
        AfterBuild after = nextJobAfterABuild((build, finish) -> Board.of(finish.worker(), index(finish.worker()))
                .queue(1).at(NOW));

        assertThat(after.next().board()).isEqualTo(after.builder());
        assertThat(after.next().reason()).isEqualTo(RouteReason.CACHE_HOLDER);
    }

    @Test
    void shouldNotCountAJobAStatusStillNamesAsCurrentAfterItEnded() {
        // the builder published between its FINISH and the slot's release: later than the FINISH, still "running" it
        AfterBuild after = nextJobAfterABuild((build, finish) -> Board.of(finish.worker(), index(finish.worker()))
                .queue(1).running(build.id()).holding("small", "r1").at(finish.timestamp() + 5));

        assertThat(after.next().board()).isEqualTo(after.builder());
        assertThat(after.next().reason()).isEqualTo(RouteReason.CACHE_HOLDER);
    }

    private record AfterBuild(String builder, RouteDecision next) {
    }

    /**
     * Three idle boards; a small cache's build is routed, started and finished, then the builder's status is the one
     * {@code builderStatus} makes of the build and its FINISH; returns where the next job for the cache goes.
     */
    private AfterBuild nextJobAfterABuild(BiFunction<Job, Event, Board> builderStatus) {
        CacheDefinition small = new CacheDefinition(MODEL, "small", "r1", "y".repeat(200), null, false, 0, NOW);
        boards(Board.of("a", 0), Board.of("b", 1), Board.of("c", 2));
        FleetRouter router = router("cache-aware");
        Job build = job(JobKind.CACHE_BUILD, small, null);
        String builder = route(router, build).board();
        router.started(build.id(), builder);
        Event finish = Event.finish(build.id(), builder, 1, 0, "stop", null, null,
                new CacheBuild(builder, "small", "r1", true, 1 << 16, 10, 50));
        router.ended(build.id(), finish);
        boards(builderStatus.apply(build, finish));
        return new AfterBuild(builder, route(router, job(JobKind.CHAT, small, "q")));
    }

    /** The partition of board a, b or c. */
    private static int index(String board) {
        return List.of("a", "b", "c").indexOf(board);
    }

    /** Routes and finishes the build of {@code coding}; returns the board that built it. */
    private static String buildCoding(FleetRouter router) {
        Job build = job(JobKind.CACHE_BUILD, CODING, null);
        String builder = route(router, build).board();
        router.started(build.id(), builder);
        router.ended(build.id(), Event.finish(build.id(), builder, 1, 0, "stop", null, null,
                new CacheBuild(builder, "coding", "r1", true, 1 << 20, 100, 5000)));
        assertThat(router.inFlightJobs()).isZero();
        return builder;
    }

    @Test
    void shouldForgetAHolderInWaitingWhoseBuildFailed() {
        boards(Board.of("a", 0), Board.of("b", 1), Board.of("c", 2));
        FleetRouter router = router("cache-aware");
        Job build = job(JobKind.CACHE_BUILD, CODING, null);
        route(router, build);

        router.ended(build.id(), Event.error(build.id(), "a", 1, ErrorInfo.of(ErrorCode.RUNTIME_ERROR, "disk full")));

        assertThat(router.view(NOW).pendingCaches()).isEmpty();
        assertThat(router.view(NOW).inFlight()).isEmpty();
    }

    @Test
    void shouldMoveAJobInFlightToTheBoardThatStartedIt() {
        boards(Board.of("a", 0), Board.of("b", 1));
        FleetRouter router = router("cache-aware");
        Job job = job(JobKind.COMPLETION, null, "hello");
        String routed = route(router, job).board();
        String other = routed.equals("a") ? "b" : "a";

        router.started(job.id(), other);

        assertThat(router.view(NOW).inFlight()).isEqualTo(Map.of(other, 1));
    }

    @Test
    void shouldForgetJobsInFlightPastTheirDeadline() {
        boards(Board.of("a", 0));
        FleetRouter router = router("cache-aware");
        route(router, job(JobKind.COMPLETION, null, "hello"));

        assertThat(router.view(NOW + 300_001).inFlight()).isEmpty();
    }

    @Test
    void shouldLearnCharactersPerTokenFromFinishedJobs() {
        boards(Board.of("a", 0));
        FleetRouter router = router("cache-aware");
        Job job = job(JobKind.COMPLETION, null, "y".repeat(1000));
        double before = route(router, job).estimatedTtftMs();

        // a byte-level tokenizer: 1000 characters were 1000 tokens, not 250
        router.ended(job.id(), Event.finish(job.id(), "a", 1, 10, "stop", Usage.of(1000, 128, 0), null, null));
        Job again = job(JobKind.COMPLETION, null, "y".repeat(1000));
        double after = route(router, again).estimatedTtftMs();

        assertThat(before).isCloseTo(1000 * 250 / 640.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(after).isCloseTo(1000 * 1000 / 640.0, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void shouldLeaveThePartitionToKafkaUnderTheHashPolicy() {
        boards(Board.of("a", 0), Board.of("b", 1));
        FleetRouter router = router("hash");

        RouteDecision decision = route(router, job(JobKind.CHAT, CODING, "q"));

        assertThat(decision.partition()).isEmpty();
        assertThat(decision.header()).isEqualTo("hash;KEY_HASH;-;-");
        assertThat(router.inFlightJobs()).isZero();
    }

    @Test
    void shouldCycleOverTheBoardsUnderTheRoundRobinPolicy() {
        boards(Board.of("a", 0).holding("coding", "r1"), Board.of("b", 1));
        FleetRouter router = router("round-robin");

        List<String> boards = List.of(route(router, job(JobKind.CHAT, CODING, "1")).board(),
                route(router, job(JobKind.CHAT, CODING, "2")).board(),
                route(router, job(JobKind.CHAT, CODING, "3")).board());

        assertThat(boards).containsExactly("a", "b", "a");
        assertThat(router.view(NOW).inFlight()).isEqualTo(Map.of("a", 2, "b", 1));
    }

    @Test
    void backgroundJobsDoNotCountInAnInteractiveJobsEstimateButDoInTheNextBackgroundOnes() {
        boards(Board.of("a", 0, 1));
        FleetRouter withoutBatch = router("cache-aware");
        route(withoutBatch, job(JobKind.COMPLETION, null, "a question"));
        double reference = route(withoutBatch, job(JobKind.COMPLETION, null, "another question")).estimatedTtftMs();
        FleetRouter router = router("cache-aware");
        route(router, job(JobKind.COMPLETION, null, "a question"));

        for (int i = 0; i < 50; i++) {
            router.routeBackground(job(JobKind.COMPLETION, null, "line " + i), "k" + i);
        }
        double interactive = route(router, job(JobKind.COMPLETION, null, "another question")).estimatedTtftMs();
        double background = router.routeBackground(job(JobKind.COMPLETION, null, "line 50"), "k50").estimatedTtftMs();

        // the interactive job waits behind the interactive job in flight, not behind the 50 batch lines
        assertThat(interactive).isEqualTo(reference);
        assertThat(background).isGreaterThan(interactive * 10);
        assertThat(router.inFlightJobs()).isEqualTo(53);
        assertThat(router.view(NOW).inFlight()).containsEntry("a", 53);
    }
}
