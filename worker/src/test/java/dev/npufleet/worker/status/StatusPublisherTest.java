package dev.npufleet.worker.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.WorkerStatus;
import dev.npufleet.worker.testing.ManualSink;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The status goes out on every heartbeat and, rate-limited, soon after a state change. */
class StatusPublisherTest {

    private static final Duration LONG_HEARTBEAT = Duration.ofMinutes(10);

    private final ManualSink sink = new ManualSink();
    private final AtomicInteger version = new AtomicInteger();
    private final List<Long> builtAt = new CopyOnWriteArrayList<>();
    private StatusPublisher publisher;

    @AfterEach
    void tearDown() {
        if (publisher != null) {
            publisher.close(Duration.ofMillis(100));
        }
    }

    @Test
    void shouldPublishSoonAfterAStateChangeWithoutWaitingForTheHeartbeat() {
        // Given a publisher whose heartbeat is far away, after its first status
        publisher = publisher(Duration.ofMillis(50));
        publisher.start(LONG_HEARTBEAT);
        await().atMost(Duration.ofSeconds(5)).until(() -> statuses().size() == 1);

        // When the state changes
        version.incrementAndGet();
        publisher.requestPublish();

        // Then the new status goes out within a fraction of a second
        await().atMost(Duration.ofSeconds(2)).until(() -> statuses().size() == 2);
        assertThat(statuses().get(1).jobsDone()).isEqualTo(1);
    }

    @Test
    void shouldMergeABurstOfChangesIntoFewPublicationsAndCarryTheLastState() {
        // Given a minimum interval of 300 ms
        publisher = publisher(Duration.ofMillis(300));
        publisher.start(LONG_HEARTBEAT);
        await().atMost(Duration.ofSeconds(5)).until(() -> statuses().size() == 1);

        // When 100 changes come at once
        for (int i = 0; i < 100; i++) {
            version.incrementAndGet();
            publisher.requestPublish();
        }

        // Then at most two more statuses go out (one may already be on its way), the last one current
        await().atMost(Duration.ofSeconds(3)).until(() -> !statuses().isEmpty()
                && statuses().get(statuses().size() - 1).jobsDone() == 100);
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> statuses().size() <= 3);
    }

    @Test
    void shouldKeepTheMinimumIntervalBetweenPublications() {
        publisher = publisher(Duration.ofMillis(400));
        publisher.start(LONG_HEARTBEAT);
        await().atMost(Duration.ofSeconds(5)).until(() -> statuses().size() == 1);

        publisher.requestPublish();
        await().atMost(Duration.ofSeconds(3)).until(() -> statuses().size() == 2);

        assertThat(Duration.ofNanos(builtAt.get(1) - builtAt.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(390));
    }

    @Test
    void shouldIgnoreRequestsBeforeStartAndAfterClose() {
        publisher = publisher(Duration.ofMillis(10));
        publisher.requestPublish();
        publisher.close(Duration.ofMillis(100));

        publisher.requestPublish();

        // only the tombstone
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> sink.sent().size() == 1);
        assertThat(sink.sent().get(0).value()).isNull();
        publisher = null;
    }

    private StatusPublisher publisher(Duration minInterval) {
        return new StatusPublisher(sink, "workers", "w1", this::status, minInterval);
    }

    private WorkerStatus status() {
        builtAt.add(System.nanoTime());
        return new WorkerStatus(Protocol.VERSION, "w1", "m", "sim", "1.3.0", WorkerStatus.State.IDLE, List.of(),
                List.of(), 0, null, 0, 0, 1.0, version.get(), 1000, 0, System.currentTimeMillis());
    }

    private List<WorkerStatus> statuses() {
        return sink.sent().stream().filter(s -> s.value() instanceof WorkerStatus).map(s -> (WorkerStatus) s.value())
                .toList();
    }
}
