package dev.npufleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.npufleet.broker.RestartableKafka;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.Event;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker outage in the middle of an answer, on a real broker stopped and started again on the same data
 * directory, with the real bridge and simulator: the worker's chunk cannot be delivered, so it sends nothing
 * more for that attempt (no FINISH after a hole), rides the outage out, and once the broker is back runs the
 * job again: the reply topic then holds the uninterrupted answer, gap-free, ended by one FINISH.
 */
class BrokerOutageIT {

    private static final String MODEL = "qwen3-0.6b-sim";

    @TempDir
    Path dir;

    @Test
    void shouldFinishAnAnswerCutByABrokerOutageWithoutAHole() {
        try (RestartableKafka kafka = new RestartableKafka(dir.resolve("kafka")).start()) {
            String prefix = "outage.";
            Topics topics = new Topics(prefix);
            // Slow tokens so that the outage falls mid-answer; a short delivery timeout so that the test is short.
            Map<String, String> env = Map.of("NPUFLEET_SIM_OPTIONS", "slow_ms_per_token=30",
                    "NPUFLEET_MAX_NEW_TOKENS", "160", "NPUFLEET_MAX_CONTEXT", "512",
                    "NPUFLEET_KAFKA_REQUEST_TIMEOUT_MS", "1000", "NPUFLEET_KAFKA_DELIVERY_TIMEOUT_MS", "2000");
            WorkerConfig config = TestWorkers.config(kafka.bootstrapServers(), prefix, "board-a", dir.resolve("a"),
                    env);
            String jobs = topics.jobs(config.identity().model());
            try (Worker worker = Worker.start(config);
                    KafkaProbe probe = new KafkaProbe(kafka.bootstrapServers(), topics)) {
                // Given the answer a greedy job gets when nothing goes wrong
                Job reference = chat(topics);
                probe.send(jobs, reference.id(), reference);
                List<Event> uninterrupted = probe.awaitEnd(reference.id());
                String answer = gapFreeText(uninterrupted);
                assertThat(answer.codePointCount(0, answer.length())).isGreaterThan(40);

                // When the broker goes away while the same request is being answered, long enough for a chunk
                // to fail, and comes back on the same data
                Job job = chat(topics);
                probe.send(jobs, job.id(), job);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> probe.events(job.id()).stream().filter(e -> e.type() == EventType.CHUNK).count() >= 2);
                kafka.stop();
                await().atMost(Duration.ofSeconds(60)).until(() -> !worker.brokerLink().isUp());
                kafka.start();

                // Then the worker reports the link back and the job's events make the uninterrupted answer,
                // without a hole, with exactly one FINISH at its end
                List<Event> events = probe.awaitEnd(job.id(), Duration.ofSeconds(120));
                assertThat(gapFreeText(events)).isEqualTo(answer);
                Event end = events.get(events.size() - 1);
                assertThat(end.type()).isEqualTo(EventType.FINISH);
                assertThat(end.seq()).isEqualTo(answer.codePointCount(0, answer.length()));
                assertThat(events).filteredOn(e -> e.type().isTerminal()).hasSize(1);
                assertThat(events).extracting(Event::attempt).contains(2);
                await().atMost(Duration.ofSeconds(30)).until(() -> worker.brokerLink().isUp());
                assertThat(worker.failure()).isNull();
            }
        }
    }

    /** The protocol's reading rule, strict: a chunk that starts past the delivered text is a hole. */
    private static String gapFreeText(List<Event> events) {
        StringBuilder text = new StringBuilder();
        long delivered = 0;
        for (Event e : events) {
            if (e.type() != EventType.CHUNK) {
                continue;
            }
            long length = e.text().codePointCount(0, e.text().length());
            if (e.seq() > delivered) {
                fail("hole: a chunk at " + e.seq() + " after " + delivered + " code points");
            }
            if (e.seq() + length > delivered) {
                text.append(e.text().substring(e.text().offsetByCodePoints(0, (int) (delivered - e.seq()))));
                delivered = e.seq() + length;
            }
        }
        return text.toString();
    }

    private static Job chat(Topics topics) {
        return new Job(Protocol.VERSION, JobIds.newId(), MODEL, JobKind.CHAT,
                List.of(ChatMessage.user("Tell me a long story about boards")), null, null, Jobs.greedy(160),
                topics.events(), System.currentTimeMillis(), 0);
    }
}
