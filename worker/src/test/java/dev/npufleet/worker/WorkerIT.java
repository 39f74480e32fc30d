package dev.npufleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.GenerationParams;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.Topics;
import dev.npufleet.protocol.WorkerStatus;
import dev.npufleet.worker.kafka.KafkaClients;
import dev.npufleet.worker.testing.Jobs;
import dev.npufleet.worker.testing.KafkaProbe;
import dev.npufleet.worker.testing.TestWorkers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One worker on a real broker, the real JNI bridge and the simulator (tiny model): jobs in, events
 * out, offsets committed, dead letters, status. Each test uses its own job ids.
 */
@ExtendWith(KafkaTestBroker.class)
class WorkerIT {

    @TempDir
    static Path state;

    static Topics topics;
    static WorkerConfig config;
    static Worker worker;
    static KafkaProbe probe;

    @BeforeAll
    static void startWorker(KafkaTestBroker.Broker broker) {
        String prefix = KafkaTestBroker.uniqueName("wit") + ".";
        topics = new Topics(prefix);
        config = TestWorkers.config(broker.bootstrapServers(), prefix, "board-a", state,
                Map.of("NPUFLEET_MAX_CONTEXT", "512"));
        worker = Worker.start(config);
        probe = new KafkaProbe(broker.bootstrapServers(), topics);
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (probe != null) {
            probe.close();
        }
    }

    @Test
    void shouldAnswerAJobWithStartedChunksAndFinishAndCommitIt() {
        // Given a completion job on the jobs topic
        Job job = job("The capital of France is", Jobs.greedy(24));
        long committedBefore = committed();

        // When the worker takes it
        probe.send(topics.jobs(config.identity().model()), job.id(), job);
        List<Event> events = probe.awaitEnd(job.id());

        // Then STARTED, chunks with contiguous seq, and FINISH with the answer's length and usage
        assertThat(events.get(0).type()).isEqualTo(EventType.STARTED);
        assertThat(events.get(0).worker()).isEqualTo("board-a");
        long seq = 0;
        StringBuilder text = new StringBuilder();
        for (Event e : events.subList(1, events.size() - 1)) {
            assertThat(e.type()).isEqualTo(EventType.CHUNK);
            assertThat(e.seq()).isEqualTo(seq);
            seq += e.length();
            text.append(e.text());
        }
        Event finish = events.get(events.size() - 1);
        assertThat(finish.type()).isEqualTo(EventType.FINISH);
        assertThat(finish.seq()).isEqualTo(seq);
        assertThat(text).isNotEmpty();
        assertThat(finish.finishReason()).isIn("stop", "length");
        assertThat(finish.usage().promptTokens()).isEqualTo(TestWorkers.simTokens("The capital of France is"));
        assertThat(finish.usage().completionTokens()).isBetween(1, 24);
        assertThat(finish.usage().cachedTokens()).isZero();
        assertThat(finish.timings().prefillMs()).isPositive();

        // And the offset past it is committed
        await().atMost(Duration.ofSeconds(10)).until(() -> committed() == committedBefore + 1);
    }

    @Test
    void shouldProduceTheSameTokensWhenAJobRunsAgain() {
        // A re-run (after a crash or revocation) must reproduce what the gateway already delivered
        Job first = job("Once upon a time", new GenerationParams(20, 0.9, 0.95, 40, 7L, List.of(), null, null, null));
        Job again = new Job(first.v(), JobIds.newId(), first.model(), first.kind(), first.messages(), first.prompt(),
                null, first.params(), first.replyTo(), first.createdAt(), 0);
        probe.send(topics.jobs(config.identity().model()), first.id(), first);
        probe.send(topics.jobs(config.identity().model()), again.id(), again);

        assertThat(text(probe.awaitEnd(again.id()))).isEqualTo(text(probe.awaitEnd(first.id())));
    }

    @Test
    void shouldStopAtMaxTokensWithFinishReasonLength() {
        Job job = job("Write a long story about the sea.", Jobs.greedy(3));
        probe.send(topics.jobs(config.identity().model()), job.id(), job);

        Event finish = probe.awaitLast(job.id());

        assertThat(finish.usage().completionTokens()).isLessThanOrEqualTo(3);
        if (finish.usage().completionTokens() == 3) {
            assertThat(finish.finishReason()).isEqualTo("length");
        }
    }

    @Test
    void shouldReportAPromptTooLongForTheContextAsInvalidRequest() {
        Job job = job("x".repeat(600), Jobs.greedy(4)); // context is 512 in this class
        probe.send(topics.jobs(config.identity().model()), job.id(), job);

        Event last = probe.awaitLast(job.id());

        assertThat(last.type()).isEqualTo(EventType.ERROR);
        assertThat(last.error().code()).isEqualTo(ErrorCode.INVALID_REQUEST.wire());
    }

    @Test
    void shouldDeadLetterAMalformedRecordAndGoOn() {
        String marker = "garbage-" + JobIds.newId();
        probe.sendRaw(topics.jobs(config.identity().model()), "k", ("{" + marker).getBytes(StandardCharsets.UTF_8));
        Job next = job("Hi", Jobs.greedy(4));
        probe.send(topics.jobs(config.identity().model()), next.id(), next);

        await().atMost(Duration.ofSeconds(20)).until(() -> probe.deadLetters().stream()
                .anyMatch(d -> d.payload() != null && d.payload().contains(marker)));
        assertThat(probe.deadLetters()).filteredOn(d -> d.payload().contains(marker)).singleElement()
                .satisfies(d -> {
                    assertThat(d.reason()).contains("not a valid Job");
                    assertThat(d.sourceTopic()).isEqualTo(topics.jobs(config.identity().model()));
                    assertThat(d.worker()).isEqualTo("board-a");
                });
        assertThat(probe.awaitLast(next.id()).type()).isEqualTo(EventType.FINISH);
    }

    @Test
    void shouldPublishItsStatusWithPartitionsAndCaches() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            WorkerStatus s = probe.status("board-a");
            assertThat(s).isNotNull();
            assertThat(s.model()).isEqualTo(config.identity().model());
            assertThat(s.runtime()).isEqualTo("rkllm-sim");
            assertThat(s.abi()).isEqualTo("1.3.0");
            assertThat(s.partitions()).containsExactlyInAnyOrder(0, 1);
            assertThat(s.heartbeatMs()).isEqualTo(300);
        });
    }

    @Test
    void shouldRenderChatJobsWithChatMl() {
        Job job = new Job(Protocol.VERSION, JobIds.newId(), config.identity().model(), JobKind.CHAT,
                List.of(ChatMessage.system("You are terse."), ChatMessage.user("Hello")), null, null,
                Jobs.greedy(8), topics.events(), System.currentTimeMillis(), 0);
        probe.send(topics.jobs(config.identity().model()), job.id(), job);

        Event finish = probe.awaitLast(job.id());

        assertThat(finish.usage().promptTokens()).isEqualTo(TestWorkers.simTokens(
                "<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHello<|im_end|>\n"
                        + "<|im_start|>assistant\n"));
    }

    static Job job(String prompt, GenerationParams params) {
        Job job = new Job(Protocol.VERSION, JobIds.newId(), config.identity().model(), JobKind.COMPLETION, null, prompt, null,
                params, topics.events(), System.currentTimeMillis(), 0);
        return job;
    }

    static String text(List<Event> events) {
        StringBuilder sb = new StringBuilder();
        events.stream().filter(e -> e.type() == EventType.CHUNK).forEach(e -> sb.append(e.text()));
        return sb.toString();
    }

    private static long committed() {
        return probe.committed(KafkaClients.groupId(config.kafka(), config.identity().model()), topics.jobs(config.identity().model()));
    }
}
