package dev.npufleet.worker.kafka;

import dev.npufleet.worker.engine.NpuLostException;
import dev.npufleet.worker.job.AbortReason;
import dev.npufleet.worker.job.RecordHandler;
import dev.npufleet.worker.job.RecordOutcome;
import dev.npufleet.worker.metrics.WorkerMetrics;
import dev.npufleet.worker.status.WorkerStats;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's job consumer loop. Its thread owns the {@link Consumer}: subscribes, polls,
 * pauses, commits and closes it. One record at a time goes to the {@link RecordHandler} (the NPU
 * slot); while it runs, the whole assignment is paused and polling goes on, so the member stays
 * in the group. When the record's last event is acknowledged, offset + 1 is committed and the
 * assignment resumed. A record whose partition is revoked mid-job is aborted and not committed;
 * its next owner runs it again. With two lanes, a loop per lane shares the slot through its
 * {@link LaneArbiter.Gate}: a fetched record waits (the assignment paused) until the gate lets it in.
 *
 * <p>Other threads only call {@link #requestClose()} (which sets the state and calls
 * {@code wakeup()}) and read {@link #state()}; the handler's futures call {@code wakeup()} too.
 */
public final class JobLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(JobLoop.class);

    /**
     * The loop's life: RUNNING (takes jobs) → DRAINING (takes no new job, waits for the running
     * one until the drain timeout, then aborts it) → CLOSING (leaves the group, closes the
     * consumer) → CLOSED. Transitions only go forward; requesting one twice is a no-op.
     */
    public enum State { RUNNING, DRAINING, CLOSING, CLOSED }

    /** Settings of the loop. */
    public record Settings(String topic, Duration pollTimeout, Duration drainTimeout, Duration lagInterval,
            Duration abortGrace, Duration closeTimeout) {
    }

    private final Consumer<String, byte[]> consumer;
    private final RecordHandler handler;
    private final Settings settings;
    private final WorkerStats stats;
    private final WorkerMetrics metrics;
    private final LagMeter lag;
    private final LaneArbiter.Gate gate;
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Throwable failure;

    // Consumer thread only.
    private final Deque<ConsumerRecord<String, byte[]>> backlog = new ArrayDeque<>();
    /** Per owned partition: the end offset when it became ours; records below it may have run elsewhere. */
    private final Map<TopicPartition, Long> ownedFrom = new HashMap<>();
    private InFlight inFlight;
    /** When the last poll that returned records did: the backlog holds only its records (the rest are paused). */
    private long polledNanos;
    private final OffsetCommits commits;
    private long drainDeadline;
    private long abortDeadline;
    private boolean subscribed;

    /** A loop that has the slot to itself. */
    public JobLoop(Consumer<String, byte[]> consumer, RecordHandler handler, Settings settings, WorkerStats stats,
            WorkerMetrics metrics) {
        this(consumer, handler, settings, stats, metrics, LaneArbiter.Gate.OPEN);
    }

    /** A loop of one lane, sharing the slot through {@code gate}. */
    public JobLoop(Consumer<String, byte[]> consumer, RecordHandler handler, Settings settings, WorkerStats stats,
            WorkerMetrics metrics, LaneArbiter.Gate gate) {
        this.consumer = consumer;
        this.gate = gate;
        this.handler = handler;
        this.settings = settings;
        this.stats = stats;
        this.metrics = metrics;
        this.lag = new LagMeter(consumer, stats, settings.lagInterval());
        this.commits = new OffsetCommits(consumer, settings.closeTimeout(), metrics);
    }

    @Override
    public void run() {
        try {
            while (runOnce()) {
                // each turn polls once
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.atError().setCause(e).log("Job loop failed");
        } finally {
            close();
        }
    }

    /**
     * One turn: settle the finished job (commit), start the next, pause or resume, poll once.
     * Consumer thread. Public so that unit tests can drive the loop step by step.
     *
     * @return false when the loop has ended and the consumer should close
     */
    public boolean runOnce() {
        if (!subscribed) {
            consumer.subscribe(List.of(settings.topic()), new Rebalance());
            subscribed = true;
        }
        settleIfDone();
        if (state.get() == State.DRAINING && drainDone()) {
            state.set(State.CLOSING);
        }
        if (state.get().compareTo(State.CLOSING) >= 0) {
            return false;
        }
        startNextIfIdle();
        updatePause();
        poll();
        startNextIfIdle();
        updatePause();
        lag.refresh(backlog.size());
        return true;
    }

    /** Asks the loop to drain and close. Any thread; idempotent. */
    public void requestClose() {
        if (state.compareAndSet(State.RUNNING, State.DRAINING)) {
            consumer.wakeup();
        }
    }

    public State state() {
        return state.get();
    }

    /** The error that ended the loop (a lost NPU, a Kafka failure), or null after a clean close. */
    public Throwable failure() {
        return failure;
    }

    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True while a record is in the slot or waiting for it. Consumer thread (tests). */
    public boolean busy() {
        return inFlight != null || !backlog.isEmpty();
    }

    private void poll() {
        // While draining, turn often enough to notice the drain deadline.
        Duration timeout = state.get() == State.DRAINING && settings.pollTimeout().toMillis() > 200
                ? Duration.ofMillis(200) : settings.pollTimeout();
        try {
            ConsumerRecords<String, byte[]> records = consumer.poll(timeout);
            if (!records.isEmpty()) {
                polledNanos = System.nanoTime();
            }
            records.forEach(backlog::add);
            if (records.isEmpty() && backlog.isEmpty() && inFlight == null) {
                gate.idle(); // nothing more in this lane: the other may have the slot
            }
        } catch (WakeupException e) {
            // a job ended or a close was requested: the next turn handles it
        }
    }

    private void startNextIfIdle() {
        if (inFlight != null || backlog.isEmpty() || state.get() != State.RUNNING || !gate.tryTake()) {
            return;
        }
        ConsumerRecord<String, byte[]> record = backlog.poll();
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        boolean mayHaveRun = record.offset() < ownedFrom.getOrDefault(tp, Long.MAX_VALUE);
        CompletableFuture<RecordOutcome> done;
        try {
            done = handler.handle(record, mayHaveRun, polledNanos);
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        inFlight = new InFlight(record, done);
        done.whenComplete((outcome, error) -> {
            gate.release();
            consumer.wakeup();
        });
    }

    private void updatePause() {
        Set<TopicPartition> assigned = consumer.assignment();
        if (busy()) {
            List<TopicPartition> toPause = new ArrayList<>(assigned);
            toPause.removeAll(consumer.paused());
            if (!toPause.isEmpty()) {
                consumer.pause(toPause);
            }
        } else if (!consumer.paused().isEmpty()) {
            List<TopicPartition> toResume = new ArrayList<>(consumer.paused());
            toResume.retainAll(assigned); // a revoked partition is no longer ours to resume
            if (!toResume.isEmpty()) {
                consumer.resume(toResume);
            }
        }
    }

    private void settleIfDone() {
        if (inFlight != null && inFlight.done.isDone()) {
            InFlight done = inFlight;
            inFlight = null;
            settle(done);
        }
    }

    /** Commits past a finished record, or leaves it to run again. */
    private void settle(InFlight f) {
        if (f.revoked) {
            LOG.atInfo().addKeyValue("partition", f.partition.partition()).addKeyValue("offset", f.record.offset())
                    .log("Job's partition moved during the job; not committing, its new owner runs it");
            return;
        }
        RecordOutcome outcome;
        try {
            outcome = f.done.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof NpuLostException lost) {
                failure = lost;
                state.set(State.CLOSING);
                LOG.atError().setCause(lost).log("NPU lost; the worker stops so that its supervisor restarts it");
                return;
            }
            LOG.atWarn().addKeyValue("partition", f.partition.partition()).addKeyValue("offset", f.record.offset())
                    .log("Job's events were not all delivered ({}); running it again", cause.toString());
            backlog.removeIf(r -> r.topic().equals(f.partition.topic()) && r.partition() == f.partition.partition());
            consumer.seek(f.partition, f.record.offset());
            ownedFrom.merge(f.partition, f.record.offset() + 1, Math::max); // its events went partly out
            return;
        }
        if (outcome == RecordOutcome.DONE) {
            commits.commit(f.partition, f.record.offset() + 1);
        }
    }

    private boolean drainDone() {
        long now = System.currentTimeMillis();
        if (drainDeadline == 0) {
            drainDeadline = now + settings.drainTimeout().toMillis();
            backlog.clear(); // not started, not committed: the partition's next owner takes them
            gate.idle();
            LOG.atInfo().log("Draining: {}", inFlight == null ? "no job running" : "waiting for the running job");
        }
        if (inFlight == null) {
            return true;
        }
        if (abortDeadline == 0 && now >= drainDeadline) {
            LOG.atWarn().log("Drain timeout passed; aborting the running job (it will run again elsewhere)");
            handler.abortRunning(AbortReason.SHUTDOWN);
            abortDeadline = now + settings.abortGrace().toMillis();
        }
        return abortDeadline != 0 && now >= abortDeadline;
    }

    private void close() {
        state.set(State.CLOSING);
        backlog.clear();
        gate.idle();
        try {
            commits.commitPending(null);
            // Leave the group even with static membership, so the partitions move in under a second.
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(settings.closeTimeout()));
        } catch (RuntimeException e) {
            LOG.atWarn().log("Consumer close: {}", e.toString());
        } finally {
            state.set(State.CLOSED);
            closed.countDown();
        }
    }

    /** Runs inside poll (and close) on the consumer thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            lose(partitions, true);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            lose(partitions, false);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (busy()) {
                consumer.pause(partitions); // the slot is taken: new partitions wait too
            }
            try {
                ownedFrom.putAll(consumer.endOffsets(partitions, Duration.ofSeconds(2)));
            } catch (RuntimeException e) {
                partitions.forEach(tp -> ownedFrom.put(tp, Long.MAX_VALUE)); // unknown: look every job up
                LOG.atWarn().log("No end offsets for the new partitions ({}); every job there is looked up first",
                        e.toString());
            }
            publishOwned();
            LOG.atInfo().log("Partitions assigned: {}", partitions);
        }

        private void lose(Collection<TopicPartition> partitions, boolean mayCommit) {
            backlog.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
            partitions.forEach(ownedFrom::remove);
            if (inFlight != null && partitions.contains(inFlight.partition)) {
                if (mayCommit && inFlight.done.isDone()) {
                    settleIfDone(); // finished just now: commit while the partition is still ours
                } else {
                    inFlight.revoked = true;
                    handler.abortRunning(AbortReason.REVOKED);
                    LOG.atWarn().addKeyValue("partition", inFlight.partition.partition())
                            .log("Partition revoked during a job; aborting it");
                }
            }
            if (mayCommit) {
                commits.commitPending(partitions);
            } else {
                commits.forget(partitions); // no longer ours to commit
            }
            if (!partitions.isEmpty()) {
                LOG.atInfo().log("Partitions {}: {}", mayCommit ? "revoked" : "lost", partitions);
            }
            publishOwned(partitions);
        }

        private void publishOwned(Collection<TopicPartition> leaving) {
            List<Integer> owned = new ArrayList<>();
            for (TopicPartition tp : consumer.assignment()) {
                if (!leaving.contains(tp)) {
                    owned.add(tp.partition());
                }
            }
            owned.sort(null);
            stats.partitions(owned);
        }

        private void publishOwned() {
            publishOwned(List.of());
        }
    }
}
