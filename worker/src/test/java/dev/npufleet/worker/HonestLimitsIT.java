package dev.npufleet.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.Topics;
import dev.npufleet.protocol.WorkerStatus;
import dev.npufleet.worker.testing.Jobs;
import dev.npufleet.worker.testing.KafkaProbe;
import dev.npufleet.worker.testing.TestWorkers;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker on the real bridge and simulator refuses what it cannot honour, naming the parameter, and
 * publishes its limits so that a gateway can refuse earlier.
 */
@ExtendWith(KafkaTestBroker.class)
class HonestLimitsIT {

    @TempDir
    Path state;

    @Test
    void shouldRefuseOverflowAndOverLimitJobsAndPublishItsLimits(KafkaTestBroker.Broker broker) {
        String prefix = KafkaTestBroker.uniqueName("limits") + ".";
        Topics topics = new Topics(prefix);
        WorkerConfig config = TestWorkers.config(broker.bootstrapServers(), prefix, "board-l", state,
                Map.of("NPUFLEET_MAX_CONTEXT", "512"));
        try (Worker worker = Worker.start(config); KafkaProbe probe = new KafkaProbe(broker.bootstrapServers(), topics)) {
            Job tooLong = new Job(Protocol.VERSION, JobIds.newId(), config.identity().model(), JobKind.CHAT,
                    List.of(ChatMessage.user("a".repeat(600))), null, null, Jobs.greedy(8), topics.events(),
                    System.currentTimeMillis(), 0);
            Job tooMany = Jobs.completion(config.identity().model(), topics.events(), "Hi", Jobs.greedy(49));
            probe.send(topics.jobs(config.identity().model()), tooLong.id(), tooLong);
            probe.send(topics.jobs(config.identity().model()), tooMany.id(), tooMany);

            Event overflow = probe.awaitLast(tooLong.id());
            Event overLimit = probe.awaitLast(tooMany.id());

            assertThat(overflow.type()).isEqualTo(EventType.ERROR);
            assertThat(overflow.error().detail()).isEqualTo("context_length_exceeded");
            // 600 bytes plus the template's tokens, against the session's 512
            assertThat(overflow.error().message()).contains("maximum context length is 512 tokens")
                    .containsPattern("resulted in 6\\d\\d tokens");
            assertThat(overLimit.error().detail()).isEqualTo("invalid_value");
            assertThat(overLimit.error().param()).isEqualTo("max_tokens");
            Awaitility.await().until(() -> probe.status("board-l") != null);
            WorkerStatus.Serving serving = worker.status().serving();
            assertThat(serving.maxContext()).isEqualTo(512);
            assertThat(serving.maxNewTokens()).isEqualTo(48);
            assertThat(serving.maxBytesPerToken()).isEqualTo(13);
            assertThat(serving.chatTemplate()).isEqualTo("chatml/1");
        }
    }
}
