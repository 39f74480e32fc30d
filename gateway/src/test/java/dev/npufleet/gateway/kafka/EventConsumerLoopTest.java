package dev.npufleet.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.npufleet.gateway.jobs.JobListener;
import dev.npufleet.gateway.jobs.PendingJobs;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventConsumerLoopTest {
    private static final String TOPIC = "npu.events";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("latest");
    private final PendingJobs pending = new PendingJobs();
    private final EventConsumerLoop loop = new EventConsumerLoop(consumer, TOPIC, pending, Duration.ofSeconds(1));

    @AfterEach
    void close() {
        loop.close();
    }

    private void topicWithEnds(long end0, long end1) {
        consumer.updatePartitions(TOPIC, List.of(
                new PartitionInfo(TOPIC, 0, null, null, null), new PartitionInfo(TOPIC, 1, null, null, null)));
        consumer.updateEndOffsets(Map.of(P0, end0, P1, end1));
    }

    private static ConsumerRecord<String, byte[]> record(TopicPartition tp, long offset, String key, byte[] value) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, key, value);
    }

    @Test
    void shouldBecomeReadyOnlyOnceEveryPartitionIsPositionedAtItsEnd() {
        loop.start();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !loop.isReady());

        topicWithEnds(7, 3);

        await().atMost(Duration.ofSeconds(10)).until(loop::isReady);
        assertThat(consumer.assignment()).containsExactlyInAnyOrder(P0, P1);
        assertThat(consumer.position(P0)).isEqualTo(7);
        assertThat(consumer.position(P1)).isEqualTo(3);
        assertThat(loop.state()).isEqualTo(ConsumerLoop.State.RUNNING);
    }

    @Test
    void shouldHandEventsToTheirJobsAndSkipOthersAndUnreadableOnes() {
        List<Event> received = new CopyOnWriteArrayList<>();
        pending.register("mine", received::add);
        topicWithEnds(0, 0);
        loop.start();
        await().atMost(Duration.ofSeconds(10)).until(loop::isReady);

        consumer.schedulePollTask(() -> {
            consumer.addRecord(record(P0, 0, "theirs", JsonCodec.encode(Event.chunk("theirs", "w", 1, 0, "x"))));
            consumer.addRecord(record(P0, 1, "mine", "{broken".getBytes(StandardCharsets.UTF_8)));
            consumer.addRecord(record(P1, 0, "mine", JsonCodec.encode(Event.chunk("mine", "w", 1, 0, "hi"))));
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        assertThat(received.get(0).text()).isEqualTo("hi");
    }

    /** Records what a stream would do: events with their batch flag, and flushes. */
    private static final class Recorder implements JobListener {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(Event event) {
            onEvent(event, false);
        }

        @Override
        public void onEvent(Event event, boolean moreInBatch) {
            calls.add(event.text() + (moreInBatch ? "+" : ""));
        }

        @Override
        public void flush() {
            calls.add("flush");
        }
    }

    @Test
    void shouldTellAListenerWhenMoreOfItsJobFollowsInTheBatchAndFlushWhatItHeld() {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        pending.register("a", a);
        pending.register("b", b);
        topicWithEnds(0, 0);
        loop.start();
        await().atMost(Duration.ofSeconds(10)).until(loop::isReady);

        consumer.schedulePollTask(() -> {
            consumer.addRecord(record(P0, 0, "a", JsonCodec.encode(Event.chunk("a", "w", 1, 0, "a1"))));
            consumer.addRecord(record(P0, 1, "b", JsonCodec.encode(Event.chunk("b", "w", 1, 0, "b1"))));
            consumer.addRecord(record(P0, 2, "a", JsonCodec.encode(Event.chunk("a", "w", 1, 2, "a2"))));
            consumer.addRecord(record(P0, 3, "b", JsonCodec.encode(Event.chunk("b", "w", 1, 2, "b2"))));
            consumer.addRecord(record(P0, 4, "b", "{broken".getBytes(StandardCharsets.UTF_8)));
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> b.calls.contains("flush"));
        // a: held back once, then its last event of the batch writes (the extra flush finds nothing queued)
        assertThat(a.calls).containsExactly("a1+", "a2", "flush");
        // b: its last record could not be read, so what it held is flushed at the end of the batch
        assertThat(b.calls).containsExactly("b1+", "b2+", "flush");
    }

    @Test
    void shouldHandABatchToTheRequestAndItsFollowersAndAMiskeyedEventToItsOwnJobAlone() {
        Recorder request = new Recorder();
        Recorder follower = new Recorder();
        Recorder other = new Recorder();
        pending.register("a", request);
        pending.follow("a", follower);
        pending.register("c", other);
        topicWithEnds(0, 0);
        loop.start();
        await().atMost(Duration.ofSeconds(10)).until(loop::isReady);

        consumer.schedulePollTask(() -> {
            consumer.addRecord(record(P0, 0, "a", JsonCodec.encode(Event.chunk("a", "w", 1, 0, "a1"))));
            consumer.addRecord(record(P0, 1, "a", JsonCodec.encode(Event.chunk("c", "w", 1, 0, "c1"))));
            consumer.addRecord(record(P0, 2, "a", JsonCodec.encode(Event.chunk("a", "w", 1, 2, "a2"))));
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> follower.calls.contains("flush"));
        // one held event, so the batch's end flushes the job: the request and its follower alike
        assertThat(request.calls).containsExactly("a1+", "a2", "flush");
        assertThat(follower.calls).containsExactly("a1+", "a2", "flush");
        // keyed "a" but of job c: handed to c, alone, with nothing held back
        assertThat(other.calls).containsExactly("c1");
    }

    @Test
    void shouldCloseItsConsumerOnCloseEvenWhenItNeverStarted() {
        loop.close();

        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void shouldStopPollingAndCloseTheConsumerOnClose() {
        topicWithEnds(0, 0);
        loop.start();
        await().atMost(Duration.ofSeconds(10)).until(loop::isReady);

        loop.close();

        assertThat(loop.state()).isEqualTo(ConsumerLoop.State.CLOSED);
        assertThat(consumer.closed()).isTrue();
    }
}
