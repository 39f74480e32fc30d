package dev.npufleet.gateway.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.WorkerStatus;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ServingLimitsTest {
    private static final long NOW = 100_000;
    private final FleetView fleet = new FleetView(Duration.ofSeconds(10));

    private void board(String id, String model, long timestamp, WorkerStatus.Serving serving) {
        fleet.apply(id, JsonCodec.encode(new WorkerStatus(Protocol.VERSION, id, model, "sim", "1.3.0",
                WorkerStatus.State.IDLE, List.of(0), List.of(), 0, null, 1, 1, 1, 0, 1000, 0, timestamp, serving)));
    }

    @Test
    void shouldTakeTheSmallestLimitsAndTheLargestBytesPerTokenOfTheLiveBoards() {
        board("a", "m", NOW, new WorkerStatus.Serving(4096, 1024, 4, "chatml"));
        board("b", "m", NOW, new WorkerStatus.Serving(2048, 2048, 16, "chatml"));
        board("gone", "m", NOW - 60_000, new WorkerStatus.Serving(16, 16, 64, "chatml"));
        board("other", "m2", NOW, new WorkerStatus.Serving(8, 8, 128, "chatml"));

        assertThat(ServingLimits.of(fleet, "m", NOW)).isEqualTo(new ServingLimits(OptionalInt.of(2048),
                OptionalInt.of(1024), OptionalInt.of(16)));
    }

    @Test
    void shouldKnowNothingWhenALiveBoardDoesNotSayOrNoBoardIsLive() {
        board("a", "m", NOW, new WorkerStatus.Serving(4096, 1024, 4, "chatml"));
        board("old", "m", NOW, null);
        board("gone", "m2", NOW - 60_000, new WorkerStatus.Serving(4096, 1024, 4, "chatml"));

        assertThat(ServingLimits.of(fleet, "m", NOW)).isEqualTo(ServingLimits.UNKNOWN);
        assertThat(ServingLimits.of(fleet, "m2", NOW)).isEqualTo(ServingLimits.UNKNOWN);
        assertThat(ServingLimits.of(fleet, "none", NOW)).isEqualTo(ServingLimits.UNKNOWN);
    }

    @Test
    void shouldLeaveALimitUnknownWhenOneBoardDoesNotKnowIt() {
        board("a", "m", NOW, new WorkerStatus.Serving(4096, 1024, 4, "chatml"));
        board("b", "m", NOW, new WorkerStatus.Serving(0, 512, 0, "chatml"));

        assertThat(ServingLimits.of(fleet, "m", NOW)).isEqualTo(new ServingLimits(OptionalInt.empty(),
                OptionalInt.of(512), OptionalInt.empty()));
    }
}
