package dev.npufleet.worker.kafka;

import static dev.npufleet.worker.testing.LoopFixture.MODEL;
import static dev.npufleet.worker.testing.LoopFixture.REPLIES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.Job;
import dev.npufleet.worker.engine.NpuLostException;
import dev.npufleet.worker.job.RerunMode;
import dev.npufleet.worker.testing.FakeEngine;
import dev.npufleet.worker.testing.Jobs;
import dev.npufleet.worker.testing.LoopFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The poll loop's contract: pause while busy, commit after the last ack, revocation, drain, wakeup. */
class JobLoopTest {

    @TempDir
    Path tmp;

    private LoopFixture f;

    @AfterEach
    void tearDown() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void shouldPauseTheAssignmentWhileAJobRunsAndKeepPolling() {
        // Given a job that stays on the NPU
        f = new LoopFixture(tmp, new FakeEngine().answering("Hello").holdAfter(2), true).assigned();
        Job job = Jobs.completion(MODEL, REPLIES, "Hi");
        f.offer(job);

        // When it runs
        f.spinUntil(f.engine::isHeld);

        // Then every partition is paused, and the loop keeps turning
        assertThat(f.consumer.paused()).containsExactlyInAnyOrder(f.p0, f.p1);
        for (int i = 0; i < 5; i++) {
            assertThat(f.loop.runOnce()).isTrue();
        }
        assertThat(f.committed(f.p0)).isEqualTo(-1);

        // And when it ends, the offset is committed and the partitions resume
        f.engine.release();
        f.spinUntil(() -> f.committed(f.p0) == 1);
        f.spinUntil(() -> f.consumer.paused().isEmpty());
    }

    @Test
    void shouldStopCountingAJobAsWaitingOnceItIsTakenWithoutAskingForEndOffsetsAgain() {
        // Given end offsets measured once an hour, and two jobs, the first staying on the NPU
        f = new LoopFixture(tmp, new FakeEngine().answering("Hello").holdAfter(1), true, 0, RerunMode.AUTO,
                Duration.ofHours(1)).assigned();
        f.offer(Jobs.completion(MODEL, REPLIES, "first"));
        f.offer(Jobs.completion(MODEL, REPLIES, "second"));
        f.spinUntil(f.engine::isHeld);
        f.spinUntil(() -> f.stats.waiting() == 1);

        // When the first ends and the second runs
        f.engine.release();
        f.spinUntil(() -> f.committed(f.p0) == 2);

        // Then nothing counts as waiting, although the end offsets were not asked for again
        assertThat(f.stats.waiting()).isZero();
    }

    @Test
    void shouldCommitOnlyAfterTheFinalEventIsAcknowledged() {
        // Given a producer whose acks the test gives
        f = new LoopFixture(tmp, new FakeEngine().answering("Hey"), false).assigned();
        Job job = Jobs.completion(MODEL, REPLIES, "Hi");
        f.offer(job);

        // When its STARTED and its text are out but not acknowledged (a first attempt does not wait for STARTED's
        // acknowledgement before the runtime runs; its FINISH waits for every earlier event's)
        f.spinUntil(() -> f.events(job.id()).stream().anyMatch(e -> e.type() == EventType.CHUNK));
        assertThat(f.events(job.id()).get(0).type()).isEqualTo(EventType.STARTED);
        assertThat(f.ended(job.id())).isFalse();
        for (int i = 0; i < 5; i++) {
            f.loop.runOnce();
        }

        // Then nothing is committed
        assertThat(f.committed(f.p0)).isEqualTo(-1);

        // And once the broker acknowledges everything (the FINISH follows the last chunk's ack), offset + 1 is
        f.spinUntil(() -> {
            while (f.producer.completeNext()) {
                // ack in order
            }
            return f.committed(f.p0) == 1;
        });
        assertThat(f.text(job.id())).isEqualTo("Hey");
    }

    @Test
    void shouldAbortAndNotCommitWhenThePartitionIsRevokedMidJob() {
        // Given a running job on partition 0
        f = new LoopFixture(tmp, new FakeEngine().answering("Hello").holdAfter(1), true).assigned();
        Job job = Jobs.completion(MODEL, REPLIES, "Hi");
        f.offer(job);
        f.spinUntil(f.engine::isHeld);

        // When partition 0 moves to another worker
        f.consumer.rebalance(List.of(f.p1));

        // Then the run is aborted, no last event is published and nothing is committed
        f.spinUntil(() -> !f.loop.busy());
        assertThat(f.engine.aborts()).isPositive();
        assertThat(f.events(job.id())).extracting(Event::type).doesNotContain(EventType.FINISH, EventType.ERROR);
        assertThat(f.committed(f.p0)).isEqualTo(-1);
        assertThat(f.consumer.paused()).doesNotContain(f.p1);
    }

    @Test
    void shouldDeadLetterAMalformedRecordAndCommitPastIt() {
        // Given a record that is not JSON, then a good job
        f = new LoopFixture(tmp, new FakeEngine().answering("ok"), true).assigned();
        f.offer(0, "k", "not json".getBytes(StandardCharsets.UTF_8));
        Job good = Jobs.completion(MODEL, REPLIES, "Hi");
        f.offer(good);

        // When the loop runs
        f.spinUntil(() -> f.committed(f.p0) == 2);

        // Then the bad record is in the DLQ with its reason and origin, and the next job ran
        assertThat(f.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.reason()).contains("not a valid Job");
            assertThat(d.sourceTopic()).isEqualTo(f.jobsTopic);
            assertThat(d.offset()).isZero();
            assertThat(d.payload()).isEqualTo("not json");
        });
        assertThat(f.last(good.id()).finishReason()).isEqualTo("stop");
    }

    @Test
    void shouldTellTheClientWhenAMalformedJobNamesItsReplyTopic() {
        f = new LoopFixture(tmp, new FakeEngine(), true).assigned();
        f.offer(0, "k", ("{\"id\":\"j-bad\",\"model\":\"" + MODEL + "\",\"kind\":\"CHAT\",\"reply_to\":\"" + REPLIES
                + "\"}").getBytes(StandardCharsets.UTF_8));

        f.spinUntil(() -> f.committed(f.p0) == 1);

        assertThat(f.last("j-bad").error().code()).isEqualTo(ErrorCode.MALFORMED_JOB.wire());
        assertThat(f.deadLetters()).hasSize(1);
    }

    @Test
    void shouldDrainTheRunningJobOnCloseThenStop() {
        f = new LoopFixture(tmp, new FakeEngine().answering("Hello").holdAfter(1), true).assigned();
        Job job = Jobs.completion(MODEL, REPLIES, "Hi");
        f.offer(job);
        f.spinUntil(f.engine::isHeld);

        // When a close is requested, the loop waits for the job
        f.loop.requestClose();
        f.loop.runOnce();
        assertThat(f.loop.state()).isEqualTo(JobLoop.State.DRAINING);

        // Then the job finishes, is committed, and the loop ends
        f.engine.release();
        f.spinUntil(() -> !f.loopAlive());
        assertThat(f.last(job.id()).type()).isEqualTo(EventType.FINISH);
        assertThat(f.committed(f.p0)).isEqualTo(1);
    }

    @Test
    void shouldAbortTheRunningJobWhenTheDrainTimeoutPasses() {
        f = new LoopFixture(tmp, new FakeEngine().answering("Hello").holdAfter(1), true).assigned();
        Job job = Jobs.completion(MODEL, REPLIES, "Hi");
        f.offer(job);
        f.spinUntil(f.engine::isHeld);

        f.loop.requestClose();
        f.spinUntil(() -> !f.loopAlive());

        assertThat(f.engine.aborts()).isPositive();
        assertThat(f.committed(f.p0)).isEqualTo(-1); // the next owner runs it again
        assertThat(f.events(job.id())).extracting(Event::type).doesNotContain(EventType.FINISH);
    }

    @Test
    void shouldEndTheLoopWithAFailureWhenTheNpuIsLost() {
        f = new LoopFixture(tmp, new FakeEngine().failNextRun(new NpuLostException("NPU gone", null)), true)
                .assigned();
        f.offer(Jobs.completion(MODEL, REPLIES, "Hi"));

        f.spinUntil(() -> !f.loopAlive());

        assertThat(f.loop.failure()).isInstanceOf(NpuLostException.class);
        assertThat(f.committed(f.p0)).isEqualTo(-1);
    }

    @Test
    void shouldTreatAWakeupAsAnotherTurn() {
        f = new LoopFixture(tmp, new FakeEngine(), true).assigned();

        f.consumer.wakeup();

        assertThat(f.loop.runOnce()).isTrue();
        assertThat(f.loop.state()).isEqualTo(JobLoop.State.RUNNING);
    }

    @Test
    void shouldTakeJobsOneAtATimeAcrossPartitions() {
        f = new LoopFixture(tmp, new FakeEngine().answering("ok"), true).assigned();
        Job a = Jobs.completion(MODEL, REPLIES, "a");
        Job b = Jobs.completion(MODEL, REPLIES, "b");
        f.offer(a);
        f.offer(1, b.id(), dev.npufleet.protocol.JsonCodec.encode(b));

        f.spinUntil(() -> f.committed(f.p0) == 1 && f.committed(f.p1) == 1);

        assertThat(f.engine.prompts()).containsExactlyInAnyOrder("a", "b");
    }
}
