package dev.npufleet.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.GenerationParams;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker on the RKLLM 1.2.x ABI (the simulator built for it), where max_new_tokens is fixed at
 * init: the worker enforces a job's smaller limit itself.
 */
@ExtendWith(KafkaTestBroker.class)
class Abi12IT {

    @TempDir
    Path state;

    @Test
    void shouldHonourAJobsMaxTokensOnTheOlderAbi(KafkaTestBroker.Broker broker) {
        String prefix = KafkaTestBroker.uniqueName("abi12") + ".";
        Topics topics = new Topics(prefix);
        WorkerConfig config = TestWorkers.config(broker.bootstrapServers(), prefix, "board-12", state,
                Map.of("NPUFLEET_RKLLM_ABI", "1.2"));
        try (Worker worker = Worker.start(config); KafkaProbe probe = new KafkaProbe(broker.bootstrapServers(), topics)) {
            Job job = new Job(Protocol.VERSION, JobIds.newId(), config.identity().model(), JobKind.COMPLETION, null,
                    "Tell me a long story about boats", null, GenerationParams.defaults().withMaxTokens(5), topics.events(),
                    System.currentTimeMillis(), 0);
            probe.send(topics.jobs(config.identity().model()), job.id(), job);

            Event last = probe.awaitLast(job.id());

            assertThat(last.type()).isEqualTo(EventType.FINISH);
            assertThat(last.usage().completionTokens()).isLessThanOrEqualTo(5);
            assertThat(probe.events(job.id()).stream().filter(e -> e.type() == EventType.CHUNK)
                    .mapToLong(Event::length).sum()).isEqualTo(last.seq());
            if (last.usage().completionTokens() == 5) {
                assertThat(last.finishReason()).isEqualTo("length");
            }
            org.awaitility.Awaitility.await().until(() -> probe.status("board-12") != null);
            assertThat(worker.status().abi()).isEqualTo("1.2.x");
        }
    }

    @Test
    void shouldRefuseSamplingTheRuntimeFixedAtLoadNamingTheParameter(KafkaTestBroker.Broker broker) {
        String prefix = KafkaTestBroker.uniqueName("abi12s") + ".";
        Topics topics = new Topics(prefix);
        WorkerConfig config = TestWorkers.config(broker.bootstrapServers(), prefix, "board-12s", state,
                Map.of("NPUFLEET_RKLLM_ABI", "1.2"));
        try (Worker worker = Worker.start(config); KafkaProbe probe = new KafkaProbe(broker.bootstrapServers(), topics)) {
            Job greedy = Jobs.completion(config.identity().model(), topics.events(), "Boats", Jobs.greedy(5));
            probe.send(topics.jobs(config.identity().model()), greedy.id(), greedy);

            Event last = probe.awaitLast(greedy.id());

            assertThat(last.type()).isEqualTo(EventType.ERROR);
            assertThat(last.error().code()).isEqualTo("invalid_request");
            assertThat(last.error().detail()).isEqualTo("unsupported_value");
            assertThat(last.error().param()).isEqualTo("temperature");
            assertThat(last.error().message()).contains("1.2.x");
        }
    }
}
