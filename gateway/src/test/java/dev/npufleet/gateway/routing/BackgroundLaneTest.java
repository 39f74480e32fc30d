package dev.npufleet.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.WorkerStatus;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** A background job goes to the routed board's partitions of the background topic. */
class BackgroundLaneTest {

    private static WorkerStatus board(String id, List<Integer> partitions, List<Integer> background) {
        return new WorkerStatus(Protocol.VERSION, id, "m", "sim", "1", WorkerStatus.State.IDLE, partitions, List.of(),
                0, null, 0, 0, 1.0, 0, 1000, 0, 0, null, background, 0);
    }

    private static RouteDecision routedTo(String board, int partition) {
        return RouteDecision.to(RoutingPolicy.CACHE_AWARE, RouteReason.LEAST_LOADED, board, partition, 10.0);
    }

    @Test
    void theRoutedBoardsBackgroundPartitionTheSameForTheSameKey() {
        List<WorkerStatus> live = List.of(board("a", List.of(0, 1), List.of(4, 5)), board("b", List.of(2), List.of(7)));

        OptionalInt first = BackgroundLane.partition(routedTo("a", 1), live, "sys:abc");

        assertThat(first).isPresent();
        assertThat(first.getAsInt()).isIn(4, 5);
        assertThat(BackgroundLane.partition(routedTo("a", 1), live, "sys:abc")).isEqualTo(first);
        assertThat(BackgroundLane.partition(routedTo("b", 2), live, "sys:abc")).hasValue(7);
    }

    @Test
    void theKeyHashWhenTheBoardReportsNoBackgroundPartitionsOrNoBoardWasChosen() {
        List<WorkerStatus> live = List.of(board("old", List.of(0), List.of()));

        assertThat(BackgroundLane.partition(routedTo("old", 0), live, "k")).isEmpty();
        assertThat(BackgroundLane.partition(routedTo("gone", 0), live, "k")).isEmpty();
        assertThat(BackgroundLane.partition(RouteDecision.keyHash(RoutingPolicy.HASH, RouteReason.KEY_HASH), live, "k"))
                .isEmpty();
    }
}
