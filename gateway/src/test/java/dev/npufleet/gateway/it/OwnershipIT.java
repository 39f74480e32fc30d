package dev.npufleet.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.protocol.JsonCodec;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ownership across two gateways on a real broker: what one key creates on one gateway (an async job, a file, a
 * batch) is found by that key on the other gateway, which never saw it made, and is 404 to another key there, as
 * the owner travels in the ACCEPTED, file and batch records. An admin key sees everything.
 */
@ExtendWith(KafkaTestBroker.class)
class OwnershipIT {
    private static final String KEYS = "sk-alice:alice,sk-bob:bob,sk-root:admin";
    private static final String CHAT = "{\"model\":\"it-model\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"hi\"}]}";
    private static final String BOUNDARY = "own-boundary";

    private static GatewayUnderTest one;
    private static GatewayUnderTest two;
    private static AnsweringWorker worker;

    @BeforeAll
    static void start(KafkaTestBroker.Broker kafka) {
        String prefix = KafkaTestBroker.uniqueName("own") + ".";
        Map<String, String> env = Map.of("NPUFLEET_API_KEYS", KEYS, "NPUFLEET_JOB_TTL", "1h");
        one = GatewayUnderTest.start(kafka.bootstrapServers(), prefix, env).awaitReady();
        two = GatewayUnderTest.start(kafka.bootstrapServers(), prefix, env).awaitReady();
        worker = AnsweringWorker.start(kafka.bootstrapServers(), one.topics(), GatewayUnderTest.MODEL);
    }

    @AfterAll
    static void stop() throws Exception {
        worker.close();
        two.close();
        one.close();
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JsonCodec.mapper().readTree(r.body());
    }

    @Test
    void shouldShowAnAsyncJobToItsKeyOnAnyGatewayAndAnswer404ToAnother() throws Exception {
        HttpResponse<String> created = one.send("POST", "/v1/jobs", "{\"endpoint\":\"/v1/chat/completions\",\"body\":"
                + CHAT + "}", "sk-alice");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = json(created).path("id").asText();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> mine = two.send("GET", "/v1/jobs/" + id, null, "sk-alice");
            assertThat(mine.statusCode()).as(mine.body()).isEqualTo(200);
            assertThat(json(mine).path("status").asText()).isEqualTo("completed");
        });
        for (String path : new String[] {"/v1/jobs/" + id, "/v1/jobs/" + id + "/events"}) {
            HttpResponse<String> theirs = two.send("GET", path, null, "sk-bob");
            assertThat(theirs.statusCode()).as(path).isEqualTo(404);
            assertThat(json(theirs).path("error").path("code").asText()).isEqualTo("not_found");
        }
        assertThat(two.send("POST", "/v1/jobs/" + id + "/cancel", "", "sk-bob").statusCode()).isEqualTo(404);
        assertThat(two.send("GET", "/v1/jobs/" + id, null, "sk-root").statusCode()).isEqualTo(200);
        assertThat(two.get("/v1/jobs/" + id).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldKeepFilesAndBatchesToTheKeyThatMadeThem() throws Exception {
        String file = upload(one, "sk-alice");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(two.send("GET", "/v1/files/" + file, null, "sk-alice").statusCode()).isEqualTo(200));
        assertThat(two.send("GET", "/v1/files/" + file, null, "sk-bob").statusCode()).isEqualTo(404);
        assertThat(two.send("GET", "/v1/files/" + file + "/content", null, "sk-bob").statusCode()).isEqualTo(404);
        String batchBody = "{\"input_file_id\":\"" + file + "\",\"endpoint\":\"/v1/chat/completions\","
                + "\"completion_window\":\"24h\"}";
        assertThat(two.send("POST", "/v1/batches", batchBody, "sk-bob").statusCode()).isEqualTo(404);

        HttpResponse<String> batch = two.send("POST", "/v1/batches", batchBody, "sk-alice");
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        String batchId = json(batch).path("id").asText();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(one.send("GET", "/v1/batches/" + batchId, null, "sk-alice").statusCode()).isEqualTo(200));
        assertThat(one.send("GET", "/v1/batches/" + batchId, null, "sk-bob").statusCode()).isEqualTo(404);
        assertThat(one.send("POST", "/v1/batches/" + batchId + "/cancel", "", "sk-bob").statusCode()).isEqualTo(404);
        assertThat(json(one.send("GET", "/v1/batches", null, "sk-bob")).path("data").toString()).doesNotContain(batchId);
        assertThat(json(one.send("GET", "/v1/batches", null, "sk-alice")).path("data").toString()).contains(batchId);
        assertThat(one.send("DELETE", "/v1/files/" + file, null, "sk-bob").statusCode()).isEqualTo(404);
    }

    private static String upload(GatewayUnderTest to, String key) throws Exception {
        String line = "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":" + CHAT + "}";
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--"
                + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n\r\n"
                + line + "\n\r\n--" + BOUNDARY + "--\r\n";
        HttpRequest request = HttpRequest.newBuilder(to.uri("/v1/files")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = to.client().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response).path("id").asText();
    }
}
