package dev.npufleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.protocol.CancelRequest;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.GenerationParams;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.Topics;
import dev.npufleet.worker.kafka.KafkaClients;
import dev.npufleet.worker.testing.KafkaProbe;
import dev.npufleet.worker.testing.TestWorkers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's life around a running job, on a real broker with a slowed simulator: cancel, graceful
 * drain, and a job abandoned at shutdown re-run by the next owner with the same tokens.
 */
@ExtendWith(KafkaTestBroker.class)
class LifecycleIT {

    @TempDir
    Path state;

    private Worker first;
    private Worker second;
    private KafkaProbe probe;

    @AfterEach
    void stop() {
        for (Worker w : new Worker[] {first, second}) {
            if (w != null) {
                w.close();
            }
        }
        if (probe != null) {
            probe.close();
        }
    }

    @Test
    void shouldAbortARunningJobOnCancelAndFinishCancelled(KafkaTestBroker.Broker broker) {
        // Given a job generating slowly (25 ms per token)
        String prefix = KafkaTestBroker.uniqueName("cancel") + ".";
        Topics topics = new Topics(prefix);
        WorkerConfig config = config(broker, prefix, "board-x", "25", "3000");
        first = Worker.start(config);
        probe = new KafkaProbe(broker.bootstrapServers(), topics);
        Job job = longJob(config, topics);
        probe.send(topics.jobs(config.identity().model()), job.id(), job);
        awaitFirstChunk(job);

        // When the client cancels it
        probe.send(topics.control(), job.id(), CancelRequest.of(job.id(), "client went away"));

        // Then it ends at once with FINISH "cancelled", and its offset is committed
        Event last = probe.awaitLast(job.id());
        assertThat(last.type()).isEqualTo(EventType.FINISH);
        assertThat(last.finishReason()).isEqualTo("cancelled");
        assertThat(last.usage().completionTokens()).isLessThan(48);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> probe.committed(KafkaClients.groupId(config.kafka(), config.identity().model()), topics.jobs(config.identity().model())) == 1);
    }

    @Test
    void shouldDrainTheRunningJobOnCloseCommitItAndTombstoneItsStatus(KafkaTestBroker.Broker broker) {
        String prefix = KafkaTestBroker.uniqueName("drain") + ".";
        Topics topics = new Topics(prefix);
        WorkerConfig config = config(broker, prefix, "board-y", "10", "10000");
        first = Worker.start(config);
        probe = new KafkaProbe(broker.bootstrapServers(), topics);
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.status("board-y") != null);
        Job job = longJob(config, topics);
        probe.send(topics.jobs(config.identity().model()), job.id(), job);
        awaitFirstChunk(job);

        // When the worker is closed while the job runs
        first.close();

        // Then the job was finished (not aborted), committed, and the worker's status tombstoned
        assertThat(probe.awaitLast(job.id()).finishReason()).isIn("stop", "length");
        assertThat(probe.committed(KafkaClients.groupId(config.kafka(), config.identity().model()), topics.jobs(config.identity().model()))).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.tombstoned("board-y"));
    }

    @Test
    void shouldLeaveAJobAbortedAtShutdownToTheNextOwnerWhichGoesOnAfterItsText(KafkaTestBroker.Broker broker)
            throws Exception {
        // Given a worker that can drain for only 200 ms, running a long job
        String prefix = KafkaTestBroker.uniqueName("handover") + ".";
        Topics topics = new Topics(prefix);
        WorkerConfig a = config(broker, prefix, "board-a", "25", "200");
        first = Worker.start(a);
        probe = new KafkaProbe(broker.bootstrapServers(), topics);
        Job job = longJob(a, topics);
        probe.send(topics.jobs(a.identity().model()), job.id(), job);
        awaitFirstChunk(job);

        // When it shuts down: the job is aborted, not committed
        CompletableFuture.runAsync(first::close).get();
        List<Event> fromA = probe.events(job.id());
        assertThat(fromA).extracting(Event::type).doesNotContain(EventType.FINISH);
        assertThat(probe.committed(KafkaClients.groupId(a.kafka(), a.identity().model()), topics.jobs(a.identity().model()))).isZero();

        // Then the next worker of the group runs it again: it goes on right after A's text (a seeded job on the
        // simulator is continued, RerunIT checks it equals the uninterrupted answer), and A's text + B's is the answer
        second = Worker.start(config(broker, prefix, "board-b", "0", "3000"));
        Event last = probe.awaitLast(job.id());
        assertThat(last.worker()).isEqualTo("board-b");
        String fromAText = textOf(fromA, "board-a");
        Event firstOfB = probe.events(job.id()).stream()
                .filter(e -> e.type() == EventType.CHUNK && "board-b".equals(e.worker())).findFirst().orElseThrow();
        assertThat(firstOfB.seq()).isEqualTo(fromAText.codePointCount(0, fromAText.length()));
        String answer = fromAText + textOf(probe.events(job.id()), "board-b");
        assertThat(last.seq()).isEqualTo(answer.codePointCount(0, answer.length()));
    }

    private WorkerConfig config(KafkaTestBroker.Broker broker, String prefix, String id, String slowMs,
            String drainMs) {
        Map<String, String> extra = "0".equals(slowMs)
                ? Map.of("NPUFLEET_DRAIN_TIMEOUT_MS", drainMs)
                : Map.of("NPUFLEET_SIM_OPTIONS", "slow_ms_per_token=" + slowMs, "NPUFLEET_DRAIN_TIMEOUT_MS", drainMs);
        return TestWorkers.config(broker.bootstrapServers(), prefix, id, state.resolve(id), extra);
    }

    private static Job longJob(WorkerConfig config, Topics topics) {
        // Sampled with a seed (not greedy), so that the same text on a re-run shows the seed was used
        GenerationParams params = new GenerationParams(48, 0.8, 0.95, 40, 1234L, List.of(), null, null, null);
        return new Job(Protocol.VERSION, JobIds.newId(), config.identity().model(), JobKind.COMPLETION, null,
                "Tell me about the sea", null, params, topics.events(), System.currentTimeMillis(), 0);
    }

    private void awaitFirstChunk(Job job) {
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.events(job.id()).stream()
                .anyMatch(e -> e.type() == EventType.CHUNK));
    }

    private static String textOf(List<Event> events, String worker) {
        StringBuilder sb = new StringBuilder();
        events.stream().filter(e -> e.type() == EventType.CHUNK && worker.equals(e.worker()))
                .forEach(e -> sb.append(e.text()));
        return sb.toString();
    }
}
