package dev.npufleet.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Usage;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Batches end to end on a real broker: the input file stored in the files topic, one job per line
 * answered by a worker on the wire ({@link ScriptedWorker}), progress and the output file computed
 * by a second gateway from the batches topic and the jobs' events.
 */
@ExtendWith(KafkaTestBroker.class)
class BatchesIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String BOUNDARY = "it-boundary-7d3f";

    private static GatewayUnderTest gateway;
    private static GatewayUnderTest other;
    private static ScriptedWorker worker;
    private static String bootstrap;
    private static String prefix;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start(KafkaTestBroker.Broker kafka) {
        bootstrap = kafka.bootstrapServers();
        prefix = KafkaTestBroker.uniqueName("batches") + ".";
        gateway = GatewayUnderTest.start(kafka.bootstrapServers(), prefix, Map.of()).awaitReady();
        other = GatewayUnderTest.start(kafka.bootstrapServers(), prefix, Map.of()).awaitReady();
        worker = new ScriptedWorker(kafka.bootstrapServers(), gateway.topics(), GatewayUnderTest.MODEL);
    }

    @AfterAll
    static void stop() {
        worker.close();
        other.close();
        gateway.close();
    }

    private static String line(String customId, String content) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
                + "{\"model\":\"it-model\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"" + content
                + "\"}]}}\n";
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JsonCodec.mapper().readTree(r.body());
    }

    private String upload(GatewayUnderTest to, String content) throws Exception {
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"requests.jsonl\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n" + content + "\r\n--" + BOUNDARY + "--\r\n";
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(to.uri("/v1/files")).timeout(WAIT)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r).path("id").asText();
    }

    private static HttpResponse<String> createBatch(String fileId) throws Exception {
        return gateway.send("POST", "/v1/batches", "{\"input_file_id\":\"" + fileId
                + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
    }

    private static void answer(Job job, String text) {
        worker.send(job, Event.started(job.id(), ScriptedWorker.BOARD, 1, null));
        worker.send(job, Event.chunk(job.id(), ScriptedWorker.BOARD, 1, 0, text));
        worker.send(job, Event.chunk(job.id(), ScriptedWorker.BOARD, 1, 0, text)); // a re-run's repeat
        worker.send(job, Event.finish(job.id(), ScriptedWorker.BOARD, 1, text.length(), "stop", Usage.of(5, 2, 0),
                null, null));
    }

    @Test
    void shouldRunABatchToItsOutputFileReadableFromAnyGateway() throws Exception {
        String input = line("q-1", "one") + line("q-2", "two") + line("q-3", "three");
        String fileId = upload(gateway, input);
        assertThat(other.get("/v1/files/" + fileId + "/content").body()).isEqualTo(input);

        HttpResponse<String> created = createBatch(fileId);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String batchId = json(created).path("id").asText();
        Map<String, String> answers = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            Job job = worker.nextJob(WAIT).job();
            String asked = job.messages().get(job.messages().size() - 1).content();
            answers.put(asked, "answer to " + asked);
            answer(job, "answer to " + asked);
        }
        JsonNode[] batch = new JsonNode[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            batch[0] = json(other.get("/v1/batches/" + batchId));
            return batch[0].path("status").asText().equals("completed");
        });
        String output = other.get("/v1/files/" + batch[0].path("output_file_id").asText() + "/content").body();

        assertThat(batch[0].at("/request_counts/total").asInt()).isEqualTo(3);
        assertThat(batch[0].at("/request_counts/completed").asInt()).isEqualTo(3);
        assertThat(batch[0].path("error_file_id").isNull()).isTrue();
        List<JsonNode> lines = output.lines().map(l -> {
            try {
                return JsonCodec.mapper().readTree(l);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
        assertThat(lines).extracting(l -> l.path("custom_id").asText()).containsExactly("q-1", "q-2", "q-3");
        assertThat(lines).extracting(l -> l.at("/response/body/choices/0/message/content").asText())
                .containsExactly("answer to one", "answer to two", "answer to three");
        assertThat(lines.get(0).at("/response/body/id").asText())
                .isEqualTo("chatcmpl-" + lines.get(0).at("/response/request_id").asText());
        assertThat(lines.get(0).at("/response/body/usage/total_tokens").asInt()).isEqualTo(7);
        assertThat(json(gateway.get("/v1/batches?limit=5")).at("/data/0/id").asText()).isEqualTo(batchId);
    }

    @Test
    void shouldRefuseABatchWithABadLineAndPublishNoJob() throws Exception {
        String bad = upload(gateway, line("ok", "fine") + line("broken", "x").replace("\"POST\"", "\"PUT\""));
        String good = upload(gateway, line("only", "marker-after-bad"));

        HttpResponse<String> refused = createBatch(bad);
        HttpResponse<String> accepted = createBatch(good);

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).at("/error/message").asText()).startsWith("Line 2 of the input file");
        assertThat(accepted.statusCode()).isEqualTo(200);
        Job next = worker.nextJob(WAIT).job();
        assertThat(next.messages().get(0).content()).as("the refused batch published no job before the good one")
                .isEqualTo("marker-after-bad");
        answer(next, "done");
    }

    @Test
    void shouldStoreAFileLargerThanTheBrokersDefaultRecordLimit() throws Exception {
        StringBuilder big = new StringBuilder();
        String padding = "x".repeat(1000);
        for (int i = 0; big.length() < 2 * 1024 * 1024; i++) {
            big.append(line("big-" + i, padding));
        }

        String fileId = upload(gateway, big.toString());

        JsonNode described = json(other.get("/v1/files/" + fileId));
        assertThat(described.path("bytes").asInt()).isEqualTo(big.length());
        assertThat(other.get("/v1/files/" + fileId + "/content").body()).isEqualTo(big.toString());
        assertThat(listed(other)).contains(fileId);
        assertThat(json(gateway.send("DELETE", "/v1/files/" + fileId, null)).path("deleted").asBoolean()).isTrue();
        assertThat(other.get("/v1/files/" + fileId).statusCode()).isEqualTo(404);
        assertThat(listed(other)).doesNotContain(fileId);
    }

    /** The ids {@code GET /v1/files} lists, read from the files topic. */
    private static java.util.List<String> listed(GatewayUnderTest from) throws Exception {
        java.util.List<String> ids = new java.util.ArrayList<>();
        json(from.get("/v1/files?purpose=batch")).path("data").forEach(f -> ids.add(f.path("id").asText()));
        return ids;
    }

    @Test
    void shouldCancelABatchThroughAnotherGatewayAndKeepOneRecordOfIt() throws Exception {
        String batchId = json(createBatch(upload(gateway, line("keep", "first") + line("drop", "second"))))
                .path("id").asText();
        // the two lines' jobs may sit in different partitions: which comes first is not fixed
        Job one = worker.nextJob(WAIT).job();
        Job two = worker.nextJob(WAIT).job();
        Job first = one.messages().get(0).content().equals("first") ? one : two;
        Job second = first == one ? two : one;
        answer(first, "kept");
        await().atMost(WAIT).until(() -> json(other.get("/v1/batches/" + batchId)).at("/request_counts/completed")
                .asInt() == 1);

        HttpResponse<String> cancel = other.send("POST", "/v1/batches/" + batchId + "/cancel", null);

        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        assertThat(json(cancel).path("status").asText()).isEqualTo("cancelling");
        await().atMost(WAIT).until(() -> worker.cancels().stream().anyMatch(c -> c.jobId().equals(second.id())));
        assertThat(worker.cancels()).noneMatch(c -> c.jobId().equals(first.id()));
        // what a worker does with a job cancelled before it started: skips it, saying so
        worker.send(second, Event.finish(second.id(), ScriptedWorker.BOARD, 1, 0, "cancelled", Usage.of(0, 0, 0),
                null, null));
        JsonNode[] batch = new JsonNode[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            batch[0] = json(gateway.get("/v1/batches/" + batchId));
            return batch[0].path("status").asText().equals("cancelled");
        });
        assertThat(batch[0].at("/request_counts/completed").asInt()).isEqualTo(1);
        assertThat(batch[0].at("/request_counts/failed").asInt()).isEqualTo(1);
        assertThat(gateway.get("/v1/files/" + batch[0].path("error_file_id").asText() + "/content").body())
                .contains("\"custom_id\":\"drop\"", "batch_cancelled");
        JsonNode listed = json(gateway.get("/v1/batches?limit=100"));
        assertThat(listed.path("data").findValuesAsText("id")).containsOnlyOnce(batchId);
    }

    @Test
    void shouldExpireABatchWhoseWindowEndsBeforeEveryRequestIsDone() throws Exception {
        // Given gateways whose batches have a 5-second window, and a worker that answers only one of two requests
        try (GatewayUnderTest brief = GatewayUnderTest.start(bootstrap, prefix, Map.of("NPUFLEET_JOB_TTL", "5s"))
                .awaitReady()) {
            HttpResponse<String> created = brief.send("POST", "/v1/batches", "{\"input_file_id\":\""
                    + upload(brief, line("in-time", "first") + line("too-late", "second"))
                    + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            String batchId = json(created).path("id").asText();
            long expiresAt = json(created).path("expires_at").asLong();
            assertThat(expiresAt - json(created).path("created_at").asLong()).isBetween(4L, 6L);
            Job one = worker.nextJob(WAIT).job();
            Job two = worker.nextJob(WAIT).job();
            answer(one.messages().get(0).content().equals("first") ? one : two, "done in time");

            // When the window ends, Then every gateway (whatever its own setting) shows the batch expired
            JsonNode[] batch = new JsonNode[1];
            await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
                batch[0] = json(other.get("/v1/batches/" + batchId));
                return batch[0].path("status").asText().equals("expired");
            });
            assertThat(batch[0].path("expired_at").asLong()).isEqualTo(expiresAt);
            assertThat(batch[0].at("/request_counts/completed").asInt()).isEqualTo(1);
            assertThat(batch[0].at("/request_counts/failed").asInt()).isEqualTo(1);
            assertThat(other.get("/v1/files/" + batch[0].path("output_file_id").asText() + "/content").body())
                    .contains("\"custom_id\":\"in-time\"", "done in time");
            assertThat(other.get("/v1/files/" + batch[0].path("error_file_id").asText() + "/content").body())
                    .contains("\"custom_id\":\"too-late\"", "batch_expired").doesNotContain("in-time");
            // and an expired batch cannot be cancelled
            assertThat(other.send("POST", "/v1/batches/" + batchId + "/cancel", null).statusCode()).isEqualTo(409);
        }
    }
}
