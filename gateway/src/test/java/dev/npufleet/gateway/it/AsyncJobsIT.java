package dev.npufleet.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Usage;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Asynchronous jobs on a real broker: submitted to one gateway, answered by a worker on the wire
 * ({@link ScriptedWorker}), polled from that gateway and from a second one that never saw the job,
 * which finds the job's events in the events topic by its id alone.
 */
@ExtendWith(KafkaTestBroker.class)
class AsyncJobsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CHAT = """
            {"model":"it-model","max_tokens":32,"messages":[{"role":"system","content":"Be brief."},
             {"role":"user","content":"Hi"}]}""";

    private static GatewayUnderTest gateway;
    private static GatewayUnderTest other;
    private static ScriptedWorker worker;
    private static String bootstrap;

    @BeforeAll
    static void start(KafkaTestBroker.Broker kafka) {
        bootstrap = kafka.bootstrapServers();
        String prefix = KafkaTestBroker.uniqueName("jobs") + ".";
        gateway = GatewayUnderTest.start(bootstrap, prefix, Map.of("NPUFLEET_JOB_TTL", "1h")).awaitReady();
        other = GatewayUnderTest.start(bootstrap, prefix, Map.of()).awaitReady();
        worker = new ScriptedWorker(bootstrap, gateway.topics(), GatewayUnderTest.MODEL);
    }

    @AfterAll
    static void stop() {
        worker.close();
        other.close();
        gateway.close();
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JsonCodec.mapper().readTree(response.body());
    }

    private static String submit(GatewayUnderTest to, String endpoint, String body) throws Exception {
        HttpResponse<String> response = to.send("POST", "/v1/jobs",
                "{\"endpoint\":\"" + endpoint + "\",\"metadata\":{\"case\":\"it\"},\"body\":" + body + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String id = json(response).path("id").asText();
        assertThat(response.headers().firstValue("location")).hasValue("/v1/jobs/" + id);
        return id;
    }

    private static JsonNode poll(GatewayUnderTest from, String id) throws Exception {
        HttpResponse<String> response = from.get("/v1/jobs/" + id);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private static JsonNode awaitStatus(GatewayUnderTest from, String id, String status) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = poll(from, id);
            return last[0].path("status").asText().equals(status);
        });
        return last[0];
    }

    /** Half an answer, as a first attempt that crashes would leave it. */
    private static void startAnswer(Job job) {
        worker.send(job, Event.started(job.id(), ScriptedWorker.BOARD, 1, null));
        worker.send(job, Event.chunk(job.id(), ScriptedWorker.BOARD, 1, 0, "Hello"));
    }

    /** The rest: a re-run on another board that repeats the text, chunked differently. */
    private static void finishAnswer(Job job) {
        worker.send(job, Event.started(job.id(), "other-board", 2, null));
        worker.send(job, Event.chunk(job.id(), "other-board", 2, 0, "Hel"));
        worker.send(job, Event.chunk(job.id(), "other-board", 2, 3, "lo, board"));
        worker.send(job, Event.finish(job.id(), "other-board", 2, 12, "stop", new Usage(14, 4, 18, 0, false),
                null, null));
    }

    @Test
    void shouldCompleteAJobThatAnyGatewayReportsWithTheSynchronousBody() throws Exception {
        try (KafkaConsumer<String, byte[]> probe = new KafkaConsumer<>(ScriptedWorker.consumerProps(bootstrap))) {
            assertThat(ScriptedWorker.partitions(probe, gateway.topics().events()))
                    .as("several partitions, so that looking in the wrong one would fail").hasSizeGreaterThan(1);
        }
        String id = submit(gateway, "/v1/chat/completions", CHAT);
        ScriptedWorker.Received received = worker.nextJob(WAIT);
        Job job = received.job();
        assertThat(job.id()).isEqualTo(id);
        assertThat(received.topic()).as("an async job goes to the background lane")
                .isEqualTo(gateway.topics().background(GatewayUnderTest.MODEL));
        assertThat(job.deadline() - job.createdAt()).isEqualTo(Duration.ofHours(1).toMillis());
        assertThat(poll(other, id).path("status").asText()).isEqualTo("queued");

        startAnswer(job);
        JsonNode running = awaitStatus(other, id, "in_progress");
        await().atMost(WAIT).until(() -> poll(gateway, id).path("output_chars").asInt() == 5);
        finishAnswer(job);
        JsonNode done = awaitStatus(gateway, id, "completed");
        JsonNode doneElsewhere = awaitStatus(other, id, "completed");

        CompletableFuture<HttpResponse<String>> sync = gateway.postAsync("/v1/chat/completions", CHAT);
        ScriptedWorker.Received syncReceived = worker.nextJob(WAIT);
        Job syncJob = syncReceived.job();
        assertThat(syncReceived.topic()).as("a synchronous request goes to the interactive lane")
                .isEqualTo(gateway.topics().jobs(GatewayUnderTest.MODEL));
        startAnswer(syncJob);
        finishAnswer(syncJob);
        ObjectNode expected = (ObjectNode) json(sync.get(30, TimeUnit.SECONDS));

        assertThat(running.path("metadata").path("case").asText()).isEqualTo("it");
        assertThat(done.path("worker").asText()).isEqualTo("other-board");
        assertThat(doneElsewhere.path("response")).isEqualTo(done.path("response"));
        ObjectNode response = (ObjectNode) done.path("response").deepCopy();
        assertThat(response.path("id").asText()).isEqualTo("chatcmpl-" + id);
        assertThat(response.at("/choices/0/message/content").asText()).isEqualTo("Hello, board");
        assertThat(response.remove(List.of("id", "created"))).isEqualTo(expected.remove(List.of("id", "created")));
    }

    @Test
    void shouldReportASynchronousRequestsJobFromAnotherGatewayByTheIdInItsHeader() throws Exception {
        // a client whose connection (or gateway) dies mid-answer can still get the answer by the job's id
        CompletableFuture<HttpResponse<String>> sync = gateway.postAsync("/v1/completions",
                "{\"model\":\"it-model\",\"prompt\":\"Once upon\",\"stream\":true}");
        Job job = worker.nextJob(WAIT).job();
        startAnswer(job);

        JsonNode running = awaitStatus(other, job.id(), "in_progress");
        // a client that had read "Hel" (SSE id 3) resumes on the other gateway and follows the job to its end
        CompletableFuture<HttpResponse<String>> resumed = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(other.uri("/v1/jobs/" + job.id() + "/events")).header("Last-Event-ID", "3")
                        .timeout(WAIT).GET().build(), HttpResponse.BodyHandlers.ofString());
        finishAnswer(job);
        HttpResponse<String> streamed = sync.get(30, TimeUnit.SECONDS);
        JsonNode done = awaitStatus(other, job.id(), "completed");
        StringBuilder rest = new StringBuilder();
        for (String line : resumed.get(30, TimeUnit.SECONDS).body().split("\n")) {
            if (line.startsWith("data: {")) {
                rest.append(JsonCodec.mapper().readTree(line.substring(6)).at("/choices/0/text").asText());
            }
        }
        assertThat(rest).hasToString("lo, board");

        assertThat(streamed.headers().firstValue("x-npufleet-job-id")).hasValue(job.id());
        assertThat(running.path("endpoint").asText()).isEqualTo("/v1/completions");
        assertThat(done.at("/response/object").asText()).isEqualTo("text_completion");
        assertThat(done.at("/response/choices/0/text").asText()).isEqualTo("Hello, board");
        assertThat(streamed.body()).contains("\"text\":\"Hello\"").contains("\"text\":\", board\"");
    }

    @Test
    void shouldAnswer404ForAnIdNoGatewayAccepted() throws Exception {
        HttpResponse<String> response = other.get("/v1/jobs/" + JobIds.newId());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).at("/error/code").asText()).isEqualTo("not_found");
    }

    @Test
    void shouldRefuseABadBodyAndPublishNothing() throws Exception {
        HttpResponse<String> bad = gateway.send("POST", "/v1/jobs",
                "{\"endpoint\":\"/v1/completions\",\"body\":{\"model\":\"it-model\",\"prompt\":\"x\",\"stream\":true}}");
        String good = submit(gateway, "/v1/completions", "{\"model\":\"it-model\",\"prompt\":\"Once upon\"}");

        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).at("/error/param").asText()).isEqualTo("body.stream");
        Job next = worker.nextJob(WAIT).job();
        assertThat(next.id()).as("the refused request published no job before the good one").isEqualTo(good);
        worker.send(next, Event.finish(next.id(), ScriptedWorker.BOARD, 1, 0, "stop", Usage.of(2, 0, 0), null, null));
        assertThat(awaitStatus(gateway, good, "completed").at("/response/object").asText())
                .isEqualTo("text_completion");
    }

    @Test
    void shouldEndCancelledWhenAQueuedJobIsCancelledThroughAnotherGateway() throws Exception {
        String id = submit(gateway, "/v1/completions", "{\"model\":\"it-model\",\"prompt\":\"slow\"}");
        Job job = worker.nextJob(WAIT).job();

        HttpResponse<String> cancel = other.send("POST", "/v1/jobs/" + id + "/cancel", null);

        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        assertThat(json(cancel).path("status").asText()).isEqualTo("cancelling");
        await().atMost(WAIT).until(() -> worker.cancels().stream().anyMatch(c -> c.jobId().equals(id)));
        // what a worker does with a job cancelled before it started: skips it, saying so
        worker.send(job, Event.finish(id, ScriptedWorker.BOARD, 1, 0, "cancelled", Usage.of(0, 0, 0), null, null));
        assertThat(awaitStatus(gateway, id, "cancelled").path("cancelled_at").isNumber()).isTrue();
        HttpResponse<String> again = gateway.send("POST", "/v1/jobs/" + id + "/cancel", null);
        assertThat(json(again).path("status").asText()).isEqualTo("cancelled");
    }
}
