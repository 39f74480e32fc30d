package dev.npufleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.broker.TopicAdmin;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.DeadLetter;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.Topics;
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
 * Jobs whose answers can never reach their reply topic, on a real broker with the real bridge and simulator: a topic
 * that does not exist, an internal one, and one that refuses the job's last event for its size. Each goes to the
 * dead-letter topic once, with the reason, and the jobs queued behind them on the same partition are served.
 */
@ExtendWith(KafkaTestBroker.class)
class UndeliverableReplyIT {

    @TempDir
    Path state;

    @Test
    void shouldDeadLetterEachUndeliverableReplyOnceAndMoveOn(KafkaTestBroker.Broker broker) {
        String prefix = KafkaTestBroker.uniqueName("undeliverable") + ".";
        Topics topics = new Topics(prefix);
        WorkerConfig config = TestWorkers.config(broker.bootstrapServers(), prefix, "board-a", state, Map.of());
        String jobs = topics.jobs(config.identity().model());
        // a topic whose records may be 300 bytes at most: chunks fit, the FINISH (usage, timings) does not
        String small = prefix + "small-replies";
        TopicAdmin.create(broker.bootstrapServers(), small, 1, Map.of("max.message.bytes", "300"));
        try (Worker worker = Worker.start(config);
                KafkaProbe probe = new KafkaProbe(broker.bootstrapServers(), topics)) {
            // Given jobs with undeliverable replies, then a good job, all on one partition (one key)
            Job missing = chat(prefix + "no-such-topic");
            Job internal = chat("__consumer_offsets");
            Job tooLarge = chat(small);
            Job good = chat(topics.events());
            for (Job job : List.of(missing, internal, tooLarge, good)) {
                probe.send(jobs, "same-key", job);
            }

            // Then the good job is answered behind them
            assertThat(probe.awaitLast(good.id()).type()).isEqualTo(EventType.FINISH);

            // And each undeliverable one is in the DLQ once, with its reason
            await().atMost(Duration.ofSeconds(30)).until(() -> probe.deadLetters().size() >= 3);
            List<DeadLetter> letters = probe.deadLetters();
            assertThat(letters).hasSize(3);
            assertThat(reasonOf(letters, missing)).contains("does not exist");
            assertThat(reasonOf(letters, internal)).contains("internal topic");
            assertThat(reasonOf(letters, tooLarge)).contains("larger than its reply topic accepts");
            assertThat(worker.failure()).isNull();
        }
    }

    private static String reasonOf(List<DeadLetter> letters, Job job) {
        return letters.stream().filter(l -> l.payload().contains(job.id())).map(DeadLetter::reason).findFirst()
                .orElseThrow(() -> new AssertionError("no dead letter for " + job.replyTo()));
    }

    private static Job chat(String replyTo) {
        return new Job(Protocol.VERSION, JobIds.newId(), "qwen3-0.6b-sim", JobKind.CHAT,
                List.of(ChatMessage.user("Hello there")), null, null, Jobs.greedy(8), replyTo,
                System.currentTimeMillis(), 0);
    }
}
