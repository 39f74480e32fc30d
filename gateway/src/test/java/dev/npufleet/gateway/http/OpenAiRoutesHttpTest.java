package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.gateway.batch.StoredFile;
import dev.npufleet.protocol.JsonCodec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/models/{id}} and {@code GET /v1/files} through the real HTTP layer, over in-memory stores. */
class OpenAiRoutesHttpTest {
    private HttpHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new HttpHarness();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JsonCodec.mapper().readTree(r.body());
    }

    private void stored(String id, String purpose, long createdAt, String content) {
        harness.stores.files.put(id, new StoredFile(id, id + ".jsonl", purpose, createdAt,
                content.getBytes(StandardCharsets.UTF_8), null));
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.path("data").forEach(f -> ids.add(f.path("id").asText()));
        return ids;
    }

    @Test
    void shouldRetrieveAServedModelAndAnswer404ModelNotFoundForAnother() throws Exception {
        HttpResponse<String> found = harness.get("/v1/models/" + HttpHarness.MODEL);
        assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
        JsonNode model = json(found);
        assertThat(model.path("id").asText()).isEqualTo(HttpHarness.MODEL);
        assertThat(model.path("object").asText()).isEqualTo("model");
        assertThat(model.path("owned_by").asText()).isEqualTo("npufleet");
        assertThat(model.path("created").asLong()).isPositive();
        assertThat(model.path("live_boards").asLong()).isZero();

        HttpResponse<String> missing = harness.get("/v1/models/no-such-model");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).path("error").path("code").asText()).isEqualTo("model_not_found");
        assertThat(json(missing).path("error").path("message").asText()).contains("no-such-model");
    }

    @Test
    void shouldListFilesNewestFirstWithPurposeLimitAfterAndOrder() throws Exception {
        stored("file-a", "batch", 1_000_000, "{}\n");
        stored("file-b", "batch", 2_000_000, "{}\n{}\n");
        stored("file-c", "assistants", 3_000_000, "{}\n");
        stored("file-d", "batch", 4_000_000, "{}\n");

        JsonNode all = json(harness.get("/v1/files"));
        assertThat(all.path("object").asText()).isEqualTo("list");
        assertThat(ids(all)).containsExactly("file-d", "file-c", "file-b", "file-a");
        assertThat(all.path("has_more").asBoolean()).isFalse();
        JsonNode b = all.path("data").get(2);
        assertThat(b.path("object").asText()).isEqualTo("file");
        assertThat(b.path("bytes").asLong()).isEqualTo(6);
        assertThat(b.path("created_at").asLong()).isEqualTo(2000);
        assertThat(b.path("filename").asText()).isEqualTo("file-b.jsonl");
        assertThat(b.path("purpose").asText()).isEqualTo("batch");

        JsonNode batchOnly = json(harness.get("/v1/files?purpose=batch&limit=2"));
        assertThat(ids(batchOnly)).containsExactly("file-d", "file-b");
        assertThat(batchOnly.path("has_more").asBoolean()).isTrue();
        assertThat(batchOnly.path("last_id").asText()).isEqualTo("file-b");
        JsonNode next = json(harness.get("/v1/files?purpose=batch&limit=2&after=file-b"));
        assertThat(ids(next)).containsExactly("file-a");
        assertThat(next.path("has_more").asBoolean()).isFalse();

        assertThat(ids(json(harness.get("/v1/files?order=asc&after=file-a")))).containsExactly("file-b", "file-c",
                "file-d");
        assertThat(ids(json(harness.get("/v1/files?purpose=fine-tune")))).isEmpty();
    }

    @Test
    void shouldRefuseABadLimitOrderOrCursorNamingTheField() throws Exception {
        stored("file-a", "batch", 1_000_000, "{}\n");
        for (String[] bad : new String[][] {{"limit=0", "limit"}, {"limit=10001", "limit"}, {"limit=x", "limit"},
                {"order=sideways", "order"}, {"after=file-zzz", "after"}}) {
            HttpResponse<String> r = harness.get("/v1/files?" + bad[0]);
            assertThat(r.statusCode()).as(bad[0]).isEqualTo(400);
            assertThat(json(r).path("error").path("param").asText()).as(bad[0]).isEqualTo(bad[1]);
        }
    }
}
