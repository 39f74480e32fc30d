package dev.npufleet.gateway.routing;

import static dev.npufleet.gateway.routing.Board.MODEL;
import static dev.npufleet.gateway.routing.Board.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.WorkerStatus;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RoundRobinPolicyTest {
    private final RoundRobinPolicy policy = new RoundRobinPolicy(Duration.ofSeconds(15));
    private final RouteRequest job = new RouteRequest(MODEL, MODEL + "/coding", "coding", "r1", 100, 90);

    @Test
    void shouldCycleOverTheLiveBoardsWhateverTheyHold() {
        List<WorkerStatus> fleet = Board.fleet(Board.of("c", 4), Board.of("a", 0).holding("coding", "r1"),
                Board.of("b", 2), Board.of("gone", 6).at(NOW - 20_000));

        List<String> boards = IntStream.range(0, 6)
                .mapToObj(i -> policy.decide(job, FleetSnapshot.of(fleet), NOW).board()).toList();

        assertThat(boards).containsExactly("a", "b", "c", "a", "b", "c");
        assertThat(policy.decide(job, FleetSnapshot.of(fleet), NOW).reason()).isEqualTo(RouteReason.ROUND_ROBIN);
    }

    @Test
    void shouldLeaveItToTheKeyHashWithoutAFleetView() {
        RouteDecision decision = policy.decide(job, FleetSnapshot.of(List.of()), NOW);

        assertThat(decision.partition()).isEmpty();
        assertThat(decision.header()).isEqualTo("round-robin;NO_FLEET_VIEW;-;-");
    }
}
