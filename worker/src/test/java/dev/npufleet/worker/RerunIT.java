package dev.npufleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.protocol.CancelRequest;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.GenerationParams;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.Timings;
import dev.npufleet.protocol.Topics;
import dev.npufleet.protocol.Usage;
import dev.npufleet.worker.kafka.KafkaClients;
import dev.npufleet.worker.testing.Jobs;
import dev.npufleet.worker.testing.KafkaProbe;
import dev.npufleet.worker.testing.TestWorkers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs another worker had started before it died, picked up by a new worker on a real broker with the
 * real bridge and simulator: the new worker reads what the reply topic already holds, skips a job that
 * was answered, and continues a half-delivered answer from its last character.
 */
@ExtendWith(KafkaTestBroker.class)
class RerunIT {

    @TempDir
    Path state;

    @Test
    void shouldContinueAHalfDeliveredAnswerAndSkipAnAnsweredJob(KafkaTestBroker.Broker broker) {
        String prefix = KafkaTestBroker.uniqueName("rerun") + ".";
        Topics topics = new Topics(prefix);
        Map<String, String> env = Map.of("NPUFLEET_RERUN", "continue", "NPUFLEET_MAX_CONTEXT", "512");
        WorkerConfig first = TestWorkers.config(broker.bootstrapServers(), prefix, "board-a", state.resolve("a"), env);
        WorkerConfig second = TestWorkers.config(broker.bootstrapServers(), prefix, "board-b", state.resolve("b"), env);
        String jobs = topics.jobs(first.identity().model());
        Worker firstWorker = Worker.start(first); // creates the topics the probe reads
        try (KafkaProbe probe = new KafkaProbe(broker.bootstrapServers(), topics)) {
            // Given the answer a greedy chat job gets when nothing goes wrong
            Job reference = chat(topics, "Tell me about boards");
            List<Event> uninterrupted;
            try (Worker worker = firstWorker) {
                probe.send(jobs, reference.id(), reference);
                uninterrupted = probe.awaitEnd(reference.id());
            }
            String answer = text(uninterrupted);
            Event referenceEnd = uninterrupted.get(uninterrupted.size() - 1);
            assertThat(answer).hasSizeGreaterThan(8);

            // And, while no worker runs, the traces of a worker that died: the same request half answered
            // (its first 8 characters delivered), and another job answered whose offset was never committed
            Job halfDone = chat(topics, "Tell me about boards");
            String delivered = answer.substring(0, 8);
            probe.send(topics.events(), halfDone.id(), Event.started(halfDone.id(), "board-gone", 1,
                    new Timings(0, 0, 0, 0, 0, 0, 0)));
            probe.send(topics.events(), halfDone.id(), Event.chunk(halfDone.id(), "board-gone", 1, 0, delivered,
                    TestWorkers.simTokens(delivered)));
            Job answered = chat(topics, "Already answered");
            probe.send(topics.events(), answered.id(), Event.finish(answered.id(), "board-gone", 1, 0, "stop",
                    Usage.of(3, 0, 0), null, null));
            probe.send(jobs, answered.id(), answered);
            probe.send(jobs, halfDone.id(), halfDone);

            // When another worker takes the partitions over
            try (Worker worker = Worker.start(second)) {
                List<Event> events = probe.awaitEnd(halfDone.id());

                // Then it continues from the 9th character, and the client's text is the uninterrupted answer
                List<Event> mine = events.stream().filter(e -> "board-b".equals(e.worker())).toList();
                assertThat(mine.get(0).type()).isEqualTo(EventType.STARTED);
                assertThat(mine.get(0).attempt()).isEqualTo(2);
                assertThat(mine.get(1).type()).isEqualTo(EventType.CHUNK);
                assertThat(mine.get(1).seq()).isEqualTo(8);
                assertThat(text(events)).isEqualTo(answer);
                Event end = events.get(events.size() - 1);
                assertThat(end.seq()).isEqualTo(referenceEnd.seq());
                assertThat(end.finishReason()).isEqualTo(referenceEnd.finishReason());
                assertThat(end.usage().completionTokens()).isEqualTo(referenceEnd.usage().completionTokens());
                assertThat(end.usage().promptTokens()).isEqualTo(referenceEnd.usage().promptTokens());

                // And the answered job is committed past without running again
                String group = KafkaClients.groupId(second.kafka(), second.identity().model());
                await().atMost(Duration.ofSeconds(20)).until(() -> probe.committed(group, jobs) == 3);
                assertThat(probe.events(answered.id())).extracting(Event::worker).containsOnly("board-gone");
            }
        }
    }

    @Test
    void shouldContinueASeededAnswerCutByAWorkerStoppedMidAnswerAsTheUninterruptedRunWrites(
            KafkaTestBroker.Broker broker) {
        String prefix = KafkaTestBroker.uniqueName("seeded") + ".";
        Topics topics = new Topics(prefix);
        // NPUFLEET_RERUN left at auto; slow tokens and a short drain, so that stopping a worker cuts its answer
        Map<String, String> env = Map.of("NPUFLEET_MAX_CONTEXT", "512", "NPUFLEET_DRAIN_TIMEOUT_MS", "300",
                "NPUFLEET_SIM_OPTIONS", "slow_ms_per_token=100");
        WorkerConfig first = TestWorkers.config(broker.bootstrapServers(), prefix, "board-a", state.resolve("a"), env);
        WorkerConfig second = TestWorkers.config(broker.bootstrapServers(), prefix, "board-b", state.resolve("b"), env);
        String jobs = topics.jobs(first.identity().model());
        Worker firstWorker = Worker.start(first);
        try (KafkaProbe probe = new KafkaProbe(broker.bootstrapServers(), topics)) {
            // Given the answer a seeded, sampled job gets when nothing goes wrong
            Job reference = seeded(topics, "Tell me about rivers");
            Job cut = seeded(topics, "Tell me about rivers");
            List<Event> uninterrupted;
            try (Worker worker = firstWorker) {
                probe.send(jobs, reference.id(), reference);
                uninterrupted = probe.awaitEnd(reference.id());
                assertThat(text(uninterrupted)).hasSizeGreaterThan(16);

                // When the same request's worker stops a few characters into the answer
                probe.send(jobs, cut.id(), cut);
                await().atMost(Duration.ofSeconds(30)).until(() -> text(probe.events(cut.id())).length() >= 6);
            }
            String answer = text(uninterrupted);
            String delivered = text(probe.events(cut.id()));
            assertThat(probe.events(cut.id())).extracting(Event::type).doesNotContain(EventType.FINISH);
            assertThat(delivered.length()).isLessThan(answer.length());

            // And another worker takes the partitions over
            try (Worker worker = Worker.start(second)) {
                List<Event> events = probe.awaitEnd(cut.id());

                // Then it continues after the delivered text (no replay), and the client's text is the reference
                List<Event> mine = events.stream().filter(e -> "board-b".equals(e.worker())).toList();
                assertThat(mine.get(0).attempt()).isEqualTo(2);
                assertThat(mine.get(1).type()).isEqualTo(EventType.CHUNK);
                assertThat(mine.get(1).seq()).isEqualTo(delivered.codePointCount(0, delivered.length()));
                assertThat(text(events)).isEqualTo(answer);
                Event end = events.get(events.size() - 1);
                Event referenceEnd = uninterrupted.get(uninterrupted.size() - 1);
                assertThat(end.finishReason()).isEqualTo(referenceEnd.finishReason());
                assertThat(end.usage().completionTokens()).isEqualTo(referenceEnd.usage().completionTokens());
            }
        }
    }

    @Test
    void shouldSkipAJobCancelledWhileNoWorkerRan(KafkaTestBroker.Broker broker) {
        String prefix = KafkaTestBroker.uniqueName("cancelled") + ".";
        Topics topics = new Topics(prefix);
        WorkerConfig first = TestWorkers.config(broker.bootstrapServers(), prefix, "board-a", state.resolve("a"),
                Map.of());
        String jobs = topics.jobs(first.identity().model());
        Worker firstWorker = Worker.start(first); // creates the topics
        try (KafkaProbe probe = new KafkaProbe(broker.bootstrapServers(), topics)) {
            firstWorker.close();
            // Given a queued job (an asynchronous one, say) that its client cancelled while no worker was running
            Job cancelled = chat(topics, "Never mind");
            Job wanted = chat(topics, "Still wanted");
            probe.send(jobs, cancelled.id(), cancelled);
            probe.send(jobs, wanted.id(), wanted);
            probe.send(topics.control(), cancelled.id(), CancelRequest.of(cancelled.id(), "cancelled by client"));

            // When a worker starts
            try (Worker worker = Worker.start(TestWorkers.config(broker.bootstrapServers(), prefix, "board-b",
                    state.resolve("b"), Map.of()))) {
                // Then it ends the cancelled job without running it, and runs the other
                Event end = probe.awaitLast(cancelled.id());
                assertThat(end.type()).isEqualTo(EventType.FINISH);
                assertThat(end.finishReason()).isEqualTo("cancelled");
                assertThat(probe.events(cancelled.id())).extracting(Event::type).doesNotContain(EventType.CHUNK);
                assertThat(probe.awaitLast(wanted.id()).finishReason()).isIn("stop", "length");
            }
        }
    }

    private static Job chat(Topics topics, String user) {
        return new Job(Protocol.VERSION, JobIds.newId(), "qwen3-0.6b-sim", JobKind.CHAT,
                List.of(ChatMessage.user(user)), null, null, Jobs.greedy(24), topics.events(),
                System.currentTimeMillis(), 0);
    }

    /** Sampled, with the client's seed (two jobs with other ids draw alike). */
    private static Job seeded(Topics topics, String user) {
        return new Job(Protocol.VERSION, JobIds.newId(), "qwen3-0.6b-sim", JobKind.CHAT,
                List.of(ChatMessage.user(user)), null, null,
                new GenerationParams(40, 1.0, 0.95, 40, 7L, List.of(), null, null, null), topics.events(),
                System.currentTimeMillis(), 0);
    }

    private static String text(List<Event> events) {
        StringBuilder sb = new StringBuilder();
        events.stream().filter(e -> e.type() == EventType.CHUNK).forEach(e -> sb.append(e.text()));
        return sb.toString();
    }
}
