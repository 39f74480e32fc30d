package dev.npufleet.worker.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.worker.job.SlotControl;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The changes that make the worker publish its status early. */
class WorkerStatsTest {

    private final AtomicInteger changes = new AtomicInteger();

    @Test
    void shouldSignalPartitionAndQueueChangesButNotRepeats() {
        WorkerStats stats = new WorkerStats(changes::incrementAndGet);

        stats.partitions(List.of(0, 1));
        stats.partitions(List.of(0, 1));
        stats.waiting(3);
        stats.waiting(3);
        stats.partitions(List.of(1));

        assertThat(changes).hasValue(3);
    }

    @Test
    void shouldCountJobsDoneWithoutSignallingWhileTheSlotIsStillHeld() {
        WorkerStats stats = new WorkerStats(changes::incrementAndGet);

        stats.jobDone(100, 10);
        stats.jobDone(0, 0);

        // the slot's release signals; a status now would still show the ended job as current
        assertThat(changes).hasValue(0);
        assertThat(stats.jobsDone()).isEqualTo(2);
        assertThat(stats.prefillTokensPerSecond()).isEqualTo(100);
    }

    @Test
    void shouldSignalAJobEnteringAndLeavingTheSlot() {
        SlotControl slot = new SlotControl(() -> { }, 10, changes::incrementAndGet);

        var control = slot.admit("job-1");
        assertThat(changes).hasValue(1);
        slot.release(control);
        slot.release(control);

        assertThat(changes).hasValue(2);
    }
}
