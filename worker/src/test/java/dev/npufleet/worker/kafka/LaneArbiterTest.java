package dev.npufleet.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.npufleet.worker.kafka.LaneArbiter.Gate;
import dev.npufleet.worker.kafka.LaneArbiter.Lane;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The slot's policy between the lanes, driven as the two loops would drive it (no Kafka, no threads). */
class LaneArbiterTest {

    private final List<Lane> woken = new ArrayList<>();

    private Gate gate(LaneArbiter arbiter, Lane lane) {
        return arbiter.gate(lane, () -> woken.add(lane));
    }

    @Test
    void aWaitingInteractiveRecordGoesBeforeAWaitingBackgroundOne() {
        LaneArbiter arbiter = new LaneArbiter(4);
        Gate interactive = gate(arbiter, Lane.INTERACTIVE);
        Gate background = gate(arbiter, Lane.BACKGROUND);
        assertThat(background.tryTake()).isTrue(); // a batch line runs on an idle board
        assertThat(interactive.tryTake()).isFalse(); // the slot is taken: it waits, the running job goes on
        assertThat(background.tryTake()).isFalse(); // the next batch line waits too
        background.release();
        assertThat(woken).contains(Lane.INTERACTIVE);
        assertThat(background.tryTake()).as("background asks first, but interactive waits").isFalse();
        assertThat(interactive.tryTake()).isTrue();
        assertThat(arbiter.holder()).isEqualTo(Lane.INTERACTIVE);
    }

    @Test
    void backgroundGoesNextAfterShareInteractiveJobsInARow() {
        LaneArbiter arbiter = new LaneArbiter(3);
        Gate interactive = gate(arbiter, Lane.INTERACTIVE);
        Gate background = gate(arbiter, Lane.BACKGROUND);
        List<Lane> order = new ArrayList<>();
        assertThat(interactive.tryTake()).isTrue();
        Gate running = interactive;
        for (int i = 0; i < 12; i++) {
            // both lanes always have a record waiting: while a job runs each asks and waits
            assertThat(background.tryTake()).isFalse();
            assertThat(interactive.tryTake()).isFalse();
            running.release();
            // the background loop asks first: it gets the slot only on its turn
            boolean backgroundRuns = background.tryTake();
            boolean interactiveRuns = interactive.tryTake();
            assertThat(backgroundRuns ^ interactiveRuns).as("exactly one lane takes the free slot").isTrue();
            order.add(backgroundRuns ? Lane.BACKGROUND : Lane.INTERACTIVE);
            running = backgroundRuns ? background : interactive;
        }
        // the first interactive job ran before the loop: 2 more, then background, then 3 and background, ...
        assertThat(order).containsExactly(Lane.INTERACTIVE, Lane.INTERACTIVE, Lane.BACKGROUND,
                Lane.INTERACTIVE, Lane.INTERACTIVE, Lane.INTERACTIVE, Lane.BACKGROUND,
                Lane.INTERACTIVE, Lane.INTERACTIVE, Lane.INTERACTIVE, Lane.BACKGROUND, Lane.INTERACTIVE);
    }

    @Test
    void afterAnInteractiveJobTheBackgroundWaitsUntilTheInteractiveLoopFoundNoNextRecord() {
        LaneArbiter arbiter = new LaneArbiter(4);
        Gate interactive = gate(arbiter, Lane.INTERACTIVE);
        Gate background = gate(arbiter, Lane.BACKGROUND);
        assertThat(interactive.tryTake()).isTrue();
        assertThat(background.tryTake()).isFalse();
        interactive.release(); // its loop now polls for the next interactive record

        assertThat(background.tryTake()).as("the gap before the next interactive record is not background's").isFalse();
        woken.clear();
        interactive.idle(); // its poll found none
        assertThat(woken).containsExactly(Lane.BACKGROUND);
        assertThat(background.tryTake()).isTrue();
    }

    @Test
    void interactiveRunsBackToBackWhileNoBackgroundRecordWaits() {
        LaneArbiter arbiter = new LaneArbiter(1);
        Gate interactive = gate(arbiter, Lane.INTERACTIVE);
        gate(arbiter, Lane.BACKGROUND);
        for (int i = 0; i < 5; i++) {
            assertThat(interactive.tryTake()).isTrue();
            interactive.release();
        }
    }

    @Test
    void aLaneThatStopsWaitingNoLongerHoldsTheOtherBack() {
        LaneArbiter arbiter = new LaneArbiter(4);
        Gate interactive = gate(arbiter, Lane.INTERACTIVE);
        Gate background = gate(arbiter, Lane.BACKGROUND);
        assertThat(background.tryTake()).isTrue();
        assertThat(interactive.tryTake()).isFalse();
        background.release();
        interactive.idle(); // its record was revoked before it reached the slot
        woken.clear();
        assertThat(background.tryTake()).isTrue();
        assertThat(interactive.tryTake()).isFalse();
        assertThat(woken).as("a newly waiting lane wakes the other").containsExactly(Lane.BACKGROUND);
    }

    @Test
    void aReleaseByALaneThatDoesNotHoldTheSlotChangesNothing() {
        LaneArbiter arbiter = new LaneArbiter(4);
        Gate interactive = gate(arbiter, Lane.INTERACTIVE);
        Gate background = gate(arbiter, Lane.BACKGROUND);
        assertThat(interactive.tryTake()).isTrue();
        background.release();
        assertThat(arbiter.holder()).isEqualTo(Lane.INTERACTIVE);
        assertThat(background.tryTake()).isFalse();
    }

    @Test
    void refusesAShareBelowOne() {
        assertThatThrownBy(() -> new LaneArbiter(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
