package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DelayedBatchTest {
    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
    private final List<Integer> ran = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    @Test
    void shouldRunEveryTaskOnceInOrderWithOneTimerTaskForAllOfThem() {
        DelayedBatch batch = new DelayedBatch(timers, Duration.ofMillis(50));
        for (int i = 0; i < 100; i++) {
            int n = i;
            batch.add(() -> ran.add(n));
        }
        // the point of it: a hundred requests' fallbacks are one task on the shared timer, not a hundred
        assertThat(timers.getQueue()).hasSizeLessThanOrEqualTo(1);

        await().atMost(Duration.ofSeconds(30)).until(() -> ran.size() == 100);
        assertThat(ran).isSortedAccordingTo(Integer::compare).doesNotHaveDuplicates();
        assertThat(batch.pending()).isZero();
    }

    @Test
    void shouldScheduleAgainForTasksAddedAfterADrain() {
        DelayedBatch batch = new DelayedBatch(timers, Duration.ofMillis(5));
        batch.add(() -> ran.add(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> ran.size() == 1);

        batch.add(() -> ran.add(2));
        batch.add(() -> ran.add(3));

        await().atMost(Duration.ofSeconds(30)).until(() -> ran.size() == 3);
        assertThat(ran).containsExactly(1, 2, 3);
    }

    @Test
    void shouldRunPendingTasksAtOnceWhenTheTimersAreStopping() {
        timers.shutdown();
        DelayedBatch batch = new DelayedBatch(timers, Duration.ofMinutes(10));

        batch.add(() -> ran.add(1));

        assertThat(ran).containsExactly(1);
    }
}
