package dev.npufleet.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.worker.job.AbortReason;
import dev.npufleet.worker.job.RecordHandler;
import dev.npufleet.worker.job.RecordOutcome;
import dev.npufleet.worker.metrics.WorkerMetrics;
import dev.npufleet.worker.status.WorkerStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Two job loops, one per lane, sharing one slot through a {@link LaneArbiter}: Kafka's {@link MockConsumer}s and a
 * handler whose jobs the test ends. The test thread turns both loops, as their consumer threads would.
 */
class JobLoopLanesTest {

    private final TopicPartition interactiveTp = new TopicPartition("npu.jobs.m", 0);
    private final TopicPartition backgroundTp = new TopicPartition("npu.jobs.m.bg", 0);
    private final MockConsumer<String, byte[]> interactive = new MockConsumer<>("earliest");
    private final MockConsumer<String, byte[]> background = new MockConsumer<>("earliest");
    private final Handler handler = new Handler();
    private final LaneArbiter arbiter = new LaneArbiter(2);
    private final WorkerMetrics metrics = new WorkerMetrics(new SimpleMeterRegistry(), "b", "m");
    private final JobLoop interactiveLoop = loop(interactive, interactiveTp, LaneArbiter.Lane.INTERACTIVE);
    private final JobLoop backgroundLoop = loop(background, backgroundTp, LaneArbiter.Lane.BACKGROUND);
    private final long[] ends = new long[2];

    private JobLoop loop(MockConsumer<String, byte[]> consumer, TopicPartition tp, LaneArbiter.Lane lane) {
        JobLoop loop = new JobLoop(consumer, handler, new JobLoop.Settings(tp.topic(), Duration.ofMillis(1),
                Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofSeconds(1)),
                new WorkerStats(), metrics, arbiter.gate(lane, consumer::wakeup));
        loop.runOnce();
        consumer.updateBeginningOffsets(Map.of(tp, 0L));
        consumer.updateEndOffsets(Map.of(tp, 0L));
        consumer.rebalance(List.of(tp));
        return loop;
    }

    private void offer(MockConsumer<String, byte[]> consumer, TopicPartition tp, String key) {
        int i = consumer == interactive ? 0 : 1;
        consumer.addRecord(new ConsumerRecord<>(tp.topic(), tp.partition(), ends[i], key, new byte[0]));
        ends[i]++;
        consumer.updateEndOffsets(Map.of(tp, ends[i]));
    }

    private void turn(int times) {
        for (int i = 0; i < times; i++) {
            interactiveLoop.runOnce();
            backgroundLoop.runOnce();
        }
    }

    private static long committed(MockConsumer<String, byte[]> consumer, TopicPartition tp) {
        OffsetAndMetadata m = consumer.committed(Set.of(tp)).get(tp);
        return m == null ? -1 : m.offset();
    }

    @Test
    void aWaitingRecordIsHeldWithItsPartitionPausedUntilTheSlotIsItsTurnThenRunsAndCommits() {
        // Given a batch line running and another queued, and an interactive request arriving
        offer(background, backgroundTp, "bg-1");
        offer(background, backgroundTp, "bg-2");
        turn(3);
        assertThat(handler.started).containsExactly("bg-1");
        offer(interactive, interactiveTp, "chat-1");
        turn(3);

        // Then it waits, its partition paused, and nothing else starts while bg-1 runs
        assertThat(handler.started).containsExactly("bg-1");
        assertThat(interactive.paused()).containsExactly(interactiveTp);
        assertThat(interactiveLoop.busy()).isTrue();

        // When bg-1 ends, the interactive request goes before bg-2; bg-1's offset is committed
        handler.finish("bg-1");
        turn(3);
        assertThat(handler.started).containsExactly("bg-1", "chat-1");
        assertThat(committed(background, backgroundTp)).isEqualTo(1);

        // And once it ends and its lane has nothing more, bg-2 runs and every offset is committed
        handler.finish("chat-1");
        turn(3);
        assertThat(handler.started).containsExactly("bg-1", "chat-1", "bg-2");
        handler.finish("bg-2");
        turn(3);
        assertThat(committed(interactive, interactiveTp)).isEqualTo(1);
        assertThat(committed(background, backgroundTp)).isEqualTo(2);
        assertThat(arbiter.holder()).isNull();
    }

    /** Starts each record's job and lets the test end it; one at a time, or the test fails. */
    private static final class Handler implements RecordHandler {
        final List<String> started = new ArrayList<>();
        private final Map<String, CompletableFuture<RecordOutcome>> running = new HashMap<>();

        @Override
        public CompletableFuture<RecordOutcome> handle(ConsumerRecord<String, byte[]> record, boolean mayHaveRun) {
            assertThat(running.values()).as("one job at a time").allMatch(CompletableFuture::isDone);
            started.add(record.key());
            CompletableFuture<RecordOutcome> done = new CompletableFuture<>();
            running.put(record.key(), done);
            return done;
        }

        void finish(String key) {
            running.get(key).complete(RecordOutcome.DONE);
        }

        @Override
        public void abortRunning(AbortReason reason) {
        }
    }
}
