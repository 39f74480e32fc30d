package dev.npufleet.gateway.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.WorkerStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetViewTest {
    private final FleetView fleet = new FleetView(Duration.ofSeconds(10));

    private static byte[] status(String id, String model, long timestamp) {
        return JsonCodec.encode(new WorkerStatus(Protocol.VERSION, id, model, "sim", "1.2", WorkerStatus.State.IDLE,
                List.of(0), List.of(), 0, null, 1, 1, 1, 0, 1000, 0, timestamp));
    }

    @Test
    void shouldCountABoardAsGoneWhenItsStatusIsOlderThanTheLimit() {
        fleet.apply("a", status("a", "m", 100_000));
        fleet.apply("b", status("b", "m", 85_000));

        assertThat(fleet.live("m", 100_000)).extracting(WorkerStatus::workerId).containsExactly("a");
        assertThat(fleet.all()).hasSize(2);
    }

    @Test
    void shouldForgetABoardThatLeftCleanly() {
        fleet.apply("a", status("a", "m", 100_000));
        fleet.apply("a", null);

        assertThat(fleet.all()).isEmpty();
    }

    @Test
    void shouldServeTheModelsOfLiveBoardsOnly() {
        fleet.apply("a", status("a", "m1", 100_000));
        fleet.apply("b", status("b", "m2", 1_000));

        assertThat(fleet.liveModels(100_000)).containsExactly("m1");
        ModelCatalog catalog = new ModelCatalog(List.of("configured"), fleet);
        assertThat(catalog.serves("configured")).isTrue();
        assertThat(catalog.serves("m2")).isFalse();
    }

    @Test
    void shouldKeepTheNewestStatusOfABoard() {
        fleet.apply("a", status("a", "m", 200));
        fleet.apply("a", status("a", "m", 100));

        assertThat(fleet.all()).extracting(WorkerStatus::timestamp).containsExactly(200L);
    }

    @Test
    void shouldKeepTheSortedViewsInStepWithEachChange() {
        fleet.apply("c", status("c", "m2", 100_000));
        fleet.apply("b", status("b", "m1", 100_000));
        fleet.apply("a", status("a", "m2", 100_000));

        assertThat(fleet.all()).extracting(WorkerStatus::workerId).containsExactly("b", "a", "c");
        assertThat(fleet.of("m2")).extracting(WorkerStatus::workerId).containsExactly("a", "c");
        assertThat(fleet.of("unknown")).isEmpty();

        fleet.apply("a", null);
        fleet.apply("b", status("b", "m2", 100_001));

        assertThat(fleet.all()).extracting(WorkerStatus::workerId).containsExactly("b", "c");
        assertThat(fleet.of("m1")).isEmpty();
        assertThat(fleet.of("m2")).extracting(WorkerStatus::workerId).containsExactly("b", "c");
    }
}
