package dev.npufleet.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.JsonCodec;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An interactive request's ACCEPTED on a real broker: written after the job's first text went to the client (not at
 * the job's acknowledgement, where it would compete with the board's first token), and still enough for
 * {@code GET /v1/jobs/{id}} on another gateway to answer the job's owner after the stream ended, and 404 to another
 * key. The fallback delay is set far beyond the test, so only the first text can have written it.
 */
@ExtendWith(KafkaTestBroker.class)
class InteractiveAcceptedIT {
    private static final String STREAM = "{\"model\":\"it-model\",\"stream\":true,\"max_tokens\":4,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static String bootstrap;
    private static GatewayUnderTest one;
    private static GatewayUnderTest two;
    private static AnsweringWorker worker;

    @BeforeAll
    static void start(KafkaTestBroker.Broker kafka) {
        bootstrap = kafka.bootstrapServers();
        String prefix = KafkaTestBroker.uniqueName("accepted") + ".";
        Map<String, String> env = Map.of("NPUFLEET_API_KEYS", "sk-alice:alice,sk-bob:bob",
                "NPUFLEET_ACCEPTED_DELAY_MS", "600000");
        one = GatewayUnderTest.start(bootstrap, prefix, env).awaitReady();
        two = GatewayUnderTest.start(bootstrap, prefix, env).awaitReady();
        worker = AnsweringWorker.start(bootstrap, one.topics(), GatewayUnderTest.MODEL);
    }

    @AfterAll
    static void stop() throws Exception {
        worker.close();
        two.close();
        one.close();
    }

    @Test
    void shouldWriteAStreamsAcceptedAfterItsFirstChunkAndStillAnswerItsOwnerAfterTheEnd() throws Exception {
        HttpResponse<String> streamed = one.send("POST", "/v1/chat/completions", STREAM, "sk-alice");
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
        assertThat(streamed.body()).contains("\"content\":\"ok\"").contains("[DONE]");
        String id = streamed.headers().firstValue("x-npufleet-job-id").orElseThrow();

        List<Event> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> log = new KafkaConsumer<>(ScriptedWorker.consumerProps(bootstrap))) {
            log.assign(ScriptedWorker.partitions(log, one.topics().events()));
            log.seekToBeginning(log.assignment());
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : log.poll(Duration.ofMillis(200))) {
                    if (id.equals(r.key())) {
                        events.add(JsonCodec.decode(r.value(), Event.class)); // one partition: in log order
                    }
                }
                return events.stream().anyMatch(e -> e.type() == EventType.ACCEPTED);
            });
        }
        List<EventType> order = events.stream().map(Event::type).toList();
        assertThat(order).as("the job's events in log order").containsOnlyOnce(EventType.ACCEPTED)
                .contains(EventType.CHUNK);
        assertThat(order.indexOf(EventType.ACCEPTED)).as(order.toString())
                .isGreaterThan(order.indexOf(EventType.CHUNK));
        Event accepted = events.get(order.indexOf(EventType.ACCEPTED));
        assertThat(accepted.accepted().owner()).as("the owner id of alice's key").startsWith("key_");
        assertThat(accepted.accepted().endpoint()).isEqualTo("/v1/chat/completions");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> mine = two.send("GET", "/v1/jobs/" + id, null, "sk-alice");
            assertThat(mine.statusCode()).as(mine.body()).isEqualTo(200);
            JsonNode job = JsonCodec.mapper().readTree(mine.body());
            assertThat(job.path("status").asText()).isEqualTo("completed");
        });
        for (String path : new String[] {"/v1/jobs/" + id, "/v1/jobs/" + id + "/events"}) {
            HttpResponse<String> theirs = two.send("GET", path, null, "sk-bob");
            assertThat(theirs.statusCode()).as(path).isEqualTo(404);
        }
    }
}
