package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.BatchRecord;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Usage;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Files and batches through the real HTTP layer, over in-memory stores, bus and events log. */
class BatchesHttpTest {
    private static final String BOUNDARY = "npufleet-test-boundary";

    private HttpHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new HttpHarness(Map.of("NPUFLEET_MAX_FILE_BYTES", "4096", "NPUFLEET_JOB_TTL", "3h"));
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    static String line(String customId, String prompt) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/completions\","
                + "\"body\":{\"model\":\"test-model\",\"prompt\":\"" + prompt + "\",\"max_tokens\":8}}\n";
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JsonCodec.mapper().readTree(r.body());
    }

    private HttpResponse<String> upload(String purpose, String content) throws Exception {
        StringBuilder body = new StringBuilder();
        if (purpose != null) {
            body.append("--").append(BOUNDARY).append("\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n")
                    .append(purpose).append("\r\n");
        }
        if (content != null) {
            body.append("--").append(BOUNDARY)
                    .append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n")
                    .append("Content-Type: application/jsonl\r\n\r\n").append(content).append("\r\n");
        }
        body.append("--").append(BOUNDARY).append("--\r\n");
        HttpRequest request = HttpRequest.newBuilder(harness.uri("/v1/files")).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return harness.client().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String uploaded(String content) throws Exception {
        HttpResponse<String> r = upload("batch", content);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r).path("id").asText();
    }

    private HttpResponse<String> createBatch(String fileId) throws Exception {
        return harness.send("POST", "/v1/batches", "{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"/v1/completions\","
                + "\"completion_window\":\"24h\",\"metadata\":{\"nightly\":\"yes\"}}");
    }

    private List<Job> publishedJobs(int n) throws Exception {
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            jobs.add(harness.bus.nextJob().job());
        }
        return jobs;
    }

    private void answer(Job job, String text) {
        harness.publish(Events.chunk(job.id(), 0, text));
        harness.publish(Events.finish(job.id(), text.length(), Usage.of(2, 1, 0)));
    }

    @Test
    void shouldStoreAnUploadAndServeItUntilDeleted() throws Exception {
        String content = line("a", "Once");

        HttpResponse<String> uploadedResponse = upload("batch", content);
        JsonNode file = json(uploadedResponse);
        String id = file.path("id").asText();
        HttpResponse<String> got = harness.get("/v1/files/" + id);
        HttpResponse<String> bytes = harness.get("/v1/files/" + id + "/content");
        HttpResponse<String> deleted = harness.send("DELETE", "/v1/files/" + id, null);

        assertThat(uploadedResponse.statusCode()).isEqualTo(200);
        assertThat(id).startsWith("file-");
        assertThat(file.path("object").asText()).isEqualTo("file");
        assertThat(file.path("bytes").asInt()).isEqualTo(content.getBytes(StandardCharsets.UTF_8).length);
        assertThat(file.path("filename").asText()).isEqualTo("in.jsonl");
        assertThat(file.path("purpose").asText()).isEqualTo("batch");
        assertThat(json(got)).isEqualTo(file);
        assertThat(bytes.body()).isEqualTo(content);
        assertThat(json(deleted).path("deleted").asBoolean()).isTrue();
        assertThat(harness.get("/v1/files/" + id).statusCode()).isEqualTo(404);
        assertThat(harness.get("/v1/files/file-nope/content").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldRefuseAnUploadWithoutBatchPurposeOrFileOrTooLarge() throws Exception {
        HttpResponse<String> wrongPurpose = upload("fine-tune", line("a", "x"));
        HttpResponse<String> noFile = upload("batch", null);
        HttpResponse<String> tooLarge = upload("batch", "x".repeat(5000));
        HttpResponse<String> notMultipart = harness.send("POST", "/v1/files", "{}");

        assertThat(wrongPurpose.statusCode()).isEqualTo(400);
        assertThat(json(wrongPurpose).at("/error/param").asText()).isEqualTo("purpose");
        assertThat(noFile.statusCode()).isEqualTo(400);
        assertThat(json(noFile).at("/error/param").asText()).isEqualTo("file");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(json(tooLarge).at("/error/code").asText()).isEqualTo("file_too_large");
        assertThat(notMultipart.statusCode()).isEqualTo(400);
        assertThat(harness.stores.files).isEmpty();
    }

    @Test
    void shouldPublishOneAcceptedJobPerLineThenTheBatchRecord() throws Exception {
        String fileId = uploaded(line("first", "One") + line("second", "Two"));

        HttpResponse<String> response = createBatch(fileId);

        JsonNode batch = json(response);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(batch.path("id").asText()).startsWith("batch_");
        assertThat(batch.path("status").asText()).isEqualTo("in_progress");
        assertThat(batch.at("/request_counts/total").asInt()).isEqualTo(2);
        assertThat(batch.path("input_file_id").asText()).isEqualTo(fileId);
        assertThat(batch.path("metadata").path("nightly").asText()).isEqualTo("yes");
        List<Job> jobs = publishedJobs(2);
        assertThat(jobs).extracting(Job::prompt).containsExactly("One", "Two");
        assertThat(jobs.get(0).deadline() - jobs.get(0).createdAt()).isEqualTo(Duration.ofHours(3).toMillis());
        assertThat(harness.bus.events).extracting(Event::type).containsOnly(EventType.ACCEPTED).hasSize(2);
        // each line's record is sent once its job is acknowledged: the two may come in either order
        assertThat(harness.bus.events).filteredOn(e -> e.jobId().equals(jobs.get(0).id())).singleElement()
                .satisfies(e -> assertThat(e.accepted().metadata()).containsEntry("custom_id", "first")
                        .containsEntry("batch_id", batch.path("id").asText()));
        BatchRecord stored = harness.stores.batches.get(batch.path("id").asText());
        assertThat(stored.requests()).extracting(BatchRecord.Request::customId).containsExactly("first", "second");
        assertThat(stored.requests()).extracting(BatchRecord.Request::jobId)
                .containsExactly(jobs.get(0).id(), jobs.get(1).id());
    }

    @Test
    void shouldRefuseAFileWithABadLineAndPublishNothing() throws Exception {
        String badBody = uploaded(line("a", "x") + line("b", "y").replace("\"max_tokens\":8", "\"max_tokens\":0")
                + line("c", "z"));
        String unknownModel = uploaded(line("a", "x") + line("b", "y").replace("test-model", "nope"));
        String duplicate = uploaded(line("a", "x") + line("a", "y"));

        HttpResponse<String> bad = createBatch(badBody);
        HttpResponse<String> model = createBatch(unknownModel);
        HttpResponse<String> dup = createBatch(duplicate);

        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).at("/error/message").asText()).startsWith("Line 2 of the input file");
        assertThat(json(bad).at("/error/param").asText()).isEqualTo("line 2.body.max_tokens");
        assertThat(model.statusCode()).isEqualTo(400);
        assertThat(json(model).at("/error/message").asText()).startsWith("Line 2").contains("nope");
        assertThat(dup.statusCode()).isEqualTo(400);
        assertThat(json(dup).at("/error/param").asText()).isEqualTo("line 2.custom_id");
        assertThat(harness.bus.jobs).isEmpty();
        assertThat(harness.bus.events).isEmpty();
        assertThat(harness.stores.batches).isEmpty();
    }

    @Test
    void shouldRefuseAnUnknownInputFileOrWindow() throws Exception {
        HttpResponse<String> unknown = createBatch("file-0190c8a1-7c2e-7a3b-8d4e-123456789abc");
        HttpResponse<String> window = harness.send("POST", "/v1/batches", "{\"input_file_id\":\"" + uploaded(line("a", "x"))
                + "\",\"endpoint\":\"/v1/completions\",\"completion_window\":\"1h\"}");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(window.statusCode()).isEqualTo(400);
        assertThat(json(window).at("/error/param").asText()).isEqualTo("completion_window");
        assertThat(harness.bus.jobs).isEmpty();
    }

    @Test
    void shouldCancelTheJobsAndAnswer503WhenTheBatchRecordCannotBeStored() throws Exception {
        String fileId = uploaded(line("a", "x") + line("b", "y"));
        harness.stores.batchFailure = new TimeoutException("broker gone");

        HttpResponse<String> response = createBatch(fileId);

        List<Job> jobs = publishedJobs(2);
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(harness.bus.cancels).containsExactlyInAnyOrder(jobs.get(0).id() + ":batch not created",
                jobs.get(1).id() + ":batch not created");
    }

    @Test
    void shouldCompleteAndServeTheOutputAndErrorFiles() throws Exception {
        String batchId = json(createBatch(uploaded(line("a", "x") + line("b", "y") + line("c", "z")))).path("id")
                .asText();
        List<Job> jobs = publishedJobs(3);
        answer(jobs.get(0), "A");
        harness.publish(Events.error(jobs.get(1).id(), ErrorCode.RUNTIME_ERROR, "NPU lost"));
        assertThat(json(harness.get("/v1/batches/" + batchId)).path("status").asText()).isEqualTo("in_progress");
        assertThat(harness.get("/v1/files/file-" + batchId + "-output/content").statusCode())
                .as("no output before the end").isEqualTo(404);
        answer(jobs.get(2), "C");

        JsonNode batch = json(harness.get("/v1/batches/" + batchId));
        String output = harness.get("/v1/files/" + batch.path("output_file_id").asText() + "/content").body();
        String errors = harness.get("/v1/files/" + batch.path("error_file_id").asText() + "/content").body();
        JsonNode outputFile = json(harness.get("/v1/files/" + batch.path("output_file_id").asText()));

        assertThat(batch.path("status").asText()).isEqualTo("completed");
        assertThat(batch.at("/request_counts/completed").asInt()).isEqualTo(2);
        assertThat(batch.at("/request_counts/failed").asInt()).isEqualTo(1);
        List<JsonNode> outLines = output.lines().map(l -> {
            try {
                return JsonCodec.mapper().readTree(l);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
        assertThat(outLines).extracting(l -> l.path("custom_id").asText()).containsExactly("a", "c");
        assertThat(outLines.get(1).at("/response/body/choices/0/text").asText()).isEqualTo("C");
        assertThat(outLines.get(1).at("/response/body/object").asText()).isEqualTo("text_completion");
        assertThat(errors).contains("\"custom_id\":\"b\"", "\"code\":\"runtime_error\"");
        assertThat(outputFile.path("purpose").asText()).isEqualTo("batch_output");
        assertThat(outputFile.path("bytes").asInt()).isEqualTo(output.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void shouldRunAnEmbeddingsBatchToItsOutputFile() throws Exception {
        String lines = "{\"custom_id\":\"e-1\",\"method\":\"POST\",\"url\":\"/v1/embeddings\","
                + "\"body\":{\"model\":\"test-model\",\"input\":[\"one\",\"two\"]}}\n"
                + "{\"custom_id\":\"e-2\",\"method\":\"POST\",\"url\":\"/v1/embeddings\","
                + "\"body\":{\"model\":\"test-model\",\"input\":\"three\"}}\n";
        String base64Line = "{\"custom_id\":\"e-3\",\"method\":\"POST\",\"url\":\"/v1/embeddings\","
                + "\"body\":{\"model\":\"test-model\",\"input\":\"x\",\"encoding_format\":\"base64\"}}\n";
        HttpResponse<String> refused = harness.send("POST", "/v1/batches", "{\"input_file_id\":\"" + uploaded(base64Line)
                + "\",\"endpoint\":\"/v1/embeddings\",\"completion_window\":\"24h\"}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).at("/error/message").asText()).contains("encoding_format");

        HttpResponse<String> created = harness.send("POST", "/v1/batches", "{\"input_file_id\":\"" + uploaded(lines)
                + "\",\"endpoint\":\"/v1/embeddings\",\"completion_window\":\"24h\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        for (Job job : publishedJobs(2)) {
            assertThat(job.kind()).isEqualTo(dev.npufleet.protocol.JobKind.EMBEDDING);
            List<String> vectors = job.messages().stream().map(m -> EmbeddingsHttpTest.base64(0.6f, 0.8f)).toList();
            harness.publish(Event.embedded(job.id(), Events.BOARD, 1, vectors, Usage.of(3, 0, 0), null));
        }
        JsonNode batch = json(harness.get("/v1/batches/" + json(created).path("id").asText()));
        assertThat(batch.path("status").asText()).isEqualTo("completed");
        String output = harness.get("/v1/files/" + batch.path("output_file_id").asText() + "/content").body();
        JsonNode first = output.lines().map(l -> {
            try {
                return JsonCodec.mapper().readTree(l);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).filter(l -> l.path("custom_id").asText().equals("e-1")).findFirst().orElseThrow();
        assertThat(first.at("/response/body/object").asText()).isEqualTo("list");
        assertThat(first.at("/response/body/data").size()).isEqualTo(2);
        assertThat(first.at("/response/body/data/1/embedding").toString()).isEqualTo("[0.6,0.8]");
    }

    @Test
    void shouldCancelEveryUnfinishedJobOfABatch() throws Exception {
        String batchId = json(createBatch(uploaded(line("a", "x") + line("b", "y")))).path("id").asText();
        List<Job> jobs = publishedJobs(2);
        answer(jobs.get(0), "A");

        HttpResponse<String> cancel = harness.send("POST", "/v1/batches/" + batchId + "/cancel", null);

        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        assertThat(json(cancel).path("status").asText()).isEqualTo("cancelling");
        assertThat(harness.bus.cancels).containsExactly(jobs.get(1).id() + ":batch cancelled");
        harness.publish(Event.finish(jobs.get(1).id(), Events.BOARD, 1, 0, "cancelled", Usage.of(1, 0, 0), null, null));
        JsonNode batch = json(harness.get("/v1/batches/" + batchId));
        assertThat(batch.path("status").asText()).isEqualTo("cancelled");
        assertThat(batch.at("/request_counts/completed").asInt()).isEqualTo(1);
        assertThat(harness.get("/v1/files/" + batch.path("error_file_id").asText() + "/content").body())
                .contains("batch_cancelled");
    }

    @Test
    void shouldListBatchesNewestFirstInPages() throws Exception {
        String older = json(createBatch(uploaded(line("a", "x")))).path("id").asText();
        String newer = json(createBatch(uploaded(line("a", "x")))).path("id").asText();

        JsonNode first = json(harness.get("/v1/batches?limit=1"));
        JsonNode second = json(harness.get("/v1/batches?limit=1&after=" + newer));

        assertThat(first.path("object").asText()).isEqualTo("list");
        assertThat(first.at("/data/0/id").asText()).isEqualTo(newer);
        assertThat(first.path("has_more").asBoolean()).isTrue();
        assertThat(second.at("/data/0/id").asText()).isEqualTo(older);
        assertThat(second.path("has_more").asBoolean()).isFalse();
        assertThat(harness.get("/v1/batches?limit=0").statusCode()).isEqualTo(400);
        assertThat(harness.get("/v1/batches/batch_nope").statusCode()).isEqualTo(404);
    }
}
