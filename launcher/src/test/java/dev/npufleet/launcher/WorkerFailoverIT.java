package dev.npufleet.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.RoutingKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A board dies in the middle of a job: the job completes on the other board, and the client sees one clean answer. */
@ExtendWith(KafkaTestBroker.class)
class WorkerFailoverIT {
    private static final int PARTITIONS = 8;

    @Test
    void shouldFinishAJobOnAnotherBoardWhenItsBoardDiesMidStream(KafkaTestBroker.Broker broker, @TempDir Path dir)
            throws Exception {
        // Kafka's key hash decides the partition here, so the test can aim the job at board-a
        try (TestFleet fleet = new TestFleet(broker.bootstrapServers(), KafkaTestBroker.uniqueName("failover") + ".", dir,
                Map.of("NPUFLEET_ROUTING", "hash"))) {
            // Given two boards, of which board-a dies (SIGKILL) after its 10th token
            fleet.startWorker("board-a", Map.of("NPUFLEET_SIM_OPTIONS", "slow_ms_per_token=20,crash_after_tokens=10"));
            fleet.startWorker("board-b", Map.of("NPUFLEET_SIM_OPTIONS", "slow_ms_per_token=20"));
            fleet.awaitWorkers();
            Set<Integer> ofA = awaitSettledPartitions(fleet, "board-a");
            String system = systemPromptRoutedTo(ofA);
            try (EventsTap events = new EventsTap(broker.bootstrapServers(), fleet.topics().events())) {

                // When a client streams a request that lands on board-a
                var response = Http.postStreaming(fleet.baseUrl() + "/v1/chat/completions", body(system, true));
                String jobId = response.headers().firstValue("x-npufleet-job-id").orElseThrow();
                String streamed = Http.streamedContent(Http.sseData(response.body()));

                // Then board-a really died in the middle of the job, and board-b ran it again
                await().atMost(Duration.ofSeconds(10)).until(() -> !fleet.worker("board-a").isAlive());
                List<Event> jobEvents = events.of(jobId);
                assertThat(jobEvents).filteredOn(e -> e.type() == EventType.CHUNK).extracting(Event::worker)
                        .contains("board-a", "board-b");
                assertThat(jobEvents).filteredOn(e -> e.type() == EventType.STARTED).extracting(Event::worker)
                        .containsExactly("board-a", "board-b");

                // and the client's stream is the whole answer, once: no token lost, none repeated
                var again = Http.post(fleet.baseUrl() + "/v1/chat/completions", body(system, false));
                JsonNode reference = Http.json(again.body());
                assertThat(again.headers().firstValue("x-npufleet-worker")).hasValue("board-b");
                assertThat(streamed).isEqualTo(reference.path("choices").path(0).path("message").path("content").asText());
                assertThat(streamed.codePointCount(0, streamed.length())).isGreaterThan(10);
            }
        }
    }

    private static String body(String system, boolean stream) {
        return """
                {"model":"%s","stream":%s,"max_tokens":40,"temperature":0,
                 "messages":[{"role":"system","content":"%s"},{"role":"user","content":"Keep going."}]}
                """.formatted(TestFleet.MODEL, stream, system);
    }

    /** Waits until the two boards own all partitions between them, and returns board's share. */
    private static Set<Integer> awaitSettledPartitions(TestFleet fleet, String board) {
        Set<Integer> mine = new HashSet<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode fleetView = Http.json(Http.get(fleet.baseUrl() + "/v1/fleet").body());
            Set<Integer> all = new HashSet<>();
            mine.clear();
            for (JsonNode model : fleetView.path("models")) {
                for (JsonNode b : model.path("boards")) {
                    for (JsonNode p : b.path("partitions")) {
                        all.add(p.asInt());
                        if (b.path("worker_id").asText().equals(board)) {
                            mine.add(p.asInt());
                        }
                    }
                }
            }
            return all.size() == PARTITIONS && !mine.isEmpty() && mine.size() < PARTITIONS;
        });
        return mine;
    }

    /** A system prompt whose routing key Kafka's default partitioner puts on one of {@code partitions}. */
    private static String systemPromptRoutedTo(Set<Integer> partitions) {
        for (int i = 0; ; i++) {
            String system = "You are board number " + i + ".";
            Job probe = new Job(1, JobIds.newId(), TestFleet.MODEL, JobKind.CHAT,
                    List.of(ChatMessage.system(system), ChatMessage.user("Keep going.")), null, null, null, "r", 0, 0);
            byte[] key = RoutingKeys.forJob(probe).getBytes(StandardCharsets.UTF_8);
            if (partitions.contains(Utils.toPositive(Utils.murmur2(key)) % PARTITIONS)) {
                return system;
            }
        }
    }
}
