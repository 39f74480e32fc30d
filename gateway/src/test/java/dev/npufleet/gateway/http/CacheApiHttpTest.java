package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.CacheBuild;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.WorkerStatus;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The named-cache API and {@code use_cache}, the test playing the board that builds. */
class CacheApiHttpTest {
    private static final String CREATE = """
            {"cache_name":"coding","prompt":"You are a careful senior engineer.","pin":true,"ttl_seconds":3600}""";

    private HttpHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new HttpHarness();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    /** Creates the cache, playing the board that builds it; returns the 201 response. */
    private HttpResponse<String> create(String body) throws Exception {
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/v1/cache/test-model", body);
        Job build = harness.bus.nextJob().job();
        harness.emit(Events.started(build.id()));
        harness.emit(Events.cacheBuilt(build.id(), new CacheBuild(Events.BOARD, build.cache().name(),
                build.cache().definition().revision(), true, 3 * 1024 * 1024, 420, 57)));
        return pending.get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldPublishTheDefinitionThenABuildJobKeyedByModelAndName() throws Exception {
        harness.postAsync("/v1/cache/test-model", CREATE);

        FakeBus.Published build = harness.bus.nextJob();

        assertThat(harness.bus.definitions).hasSize(1);
        CacheDefinition definition = harness.bus.definitions.get(0);
        assertThat(definition.key()).isEqualTo("test-model/coding");
        assertThat(definition.pin()).isTrue();
        assertThat(definition.ttlSeconds()).isEqualTo(3600);
        assertThat(build.job().kind()).isEqualTo(JobKind.CACHE_BUILD);
        assertThat(build.job().cache().definition()).isEqualTo(definition);
        assertThat(build.key()).isEqualTo("test-model/coding");
    }

    @Test
    void shouldAnswer201WithTheDefinitionAndTheFirstBuild() throws Exception {
        HttpResponse<String> response = create(CREATE);

        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode body = JsonCodec.mapper().readTree(response.body());
        assertThat(body.path("object").asText()).isEqualTo("cache.created");
        assertThat(body.path("cache_name").asText()).isEqualTo("coding");
        assertThat(body.path("prompt").asText()).isEqualTo("You are a careful senior engineer.");
        assertThat(body.path("size_mb").asDouble()).isEqualTo(3.0);
        assertThat(body.at("/build/worker").asText()).isEqualTo(Events.BOARD);
        assertThat(body.at("/build/build_ms").asLong()).isEqualTo(420);
        assertThat(body.at("/build/tokens").asInt()).isEqualTo(57);
    }

    @Test
    void shouldGiveEachRedefinitionANewRevision() throws Exception {
        create(CREATE);
        create(CREATE.replace("careful", "terse"));

        assertThat(harness.bus.definitions).extracting(CacheDefinition::revision).doesNotHaveDuplicates();
        JsonNode cache = JsonCodec.mapper().readTree(harness.get("/v1/cache/test-model/coding").body());
        assertThat(cache.path("prompt").asText()).contains("terse");
    }

    @Test
    void shouldListCachesWithTheBoardsHoldingTheirFiles() throws Exception {
        create(CREATE);
        CacheDefinition def = harness.bus.definitions.get(0);
        harness.fleet.apply("board-1", JsonCodec.encode(new WorkerStatus(Protocol.VERSION, "board-1", "test-model",
                "sim", "1.2", WorkerStatus.State.IDLE, List.of(0), List.of(
                        new WorkerStatus.CacheHolding("coding", def.revision(), 2048, 7, 1_700_000_000_000L)),
                0, null, 100, 10, 1.0, 3, 1000, System.currentTimeMillis(), System.currentTimeMillis())));

        JsonNode list = JsonCodec.mapper().readTree(harness.get("/v1/cache/test-model").body());

        assertThat(list.path("object").asText()).isEqualTo("list");
        assertThat(list.path("data")).hasSize(1);
        JsonNode board = list.at("/data/0/boards/0");
        assertThat(board.path("worker").asText()).isEqualTo("board-1");
        assertThat(board.path("current").asBoolean()).isTrue();
        assertThat(board.path("hits").asLong()).isEqualTo(7);
        assertThat(board.path("size_bytes").asLong()).isEqualTo(2048);
    }

    @Test
    void shouldPublishATombstoneOnDeleteAndForgetTheCache() throws Exception {
        create(CREATE);

        HttpResponse<String> deleted = harness.send("DELETE", "/v1/cache/test-model/coding", null);

        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(JsonCodec.mapper().readTree(deleted.body()).path("deleted").asBoolean()).isTrue();
        assertThat(harness.bus.deletions).containsExactly("test-model/coding");
        assertThat(harness.get("/v1/cache/test-model/coding").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldAnswer404CacheNotFoundForAnUnknownCache() throws Exception {
        HttpResponse<String> response = harness.get("/v1/cache/test-model/nope");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(JsonCodec.mapper().readTree(response.body()).at("/error/code").asText())
                .isEqualTo("cache_not_found");
        assertThat(harness.send("DELETE", "/v1/cache/test-model/nope", null).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldAnswer400ForABadCacheName() throws Exception {
        HttpResponse<String> response = harness.send("POST", "/v1/cache/test-model",
                "{\"cache_name\":\"../etc\",\"prompt\":\"x\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JsonCodec.mapper().readTree(response.body()).at("/error/param").asText()).isEqualTo("cache_name");
        assertThat(harness.bus.definitions).isEmpty();
    }

    @Test
    void shouldAnswer400ForACacheWithBothPromptAndMessages() throws Exception {
        HttpResponse<String> response = harness.send("POST", "/v1/cache/test-model",
                "{\"cache_name\":\"x\",\"prompt\":\"x\",\"messages\":[{\"role\":\"system\",\"content\":\"y\"}]}");

        assertThat(response.statusCode()).isEqualTo(400);
    }

    @Test
    void shouldAnswer404ForTheCacheApiOfAnUnknownModel() throws Exception {
        assertThat(harness.get("/v1/cache/other-model").statusCode()).isEqualTo(404);
        assertThat(harness.send("POST", "/v1/cache/other-model", CREATE).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldPutTheCacheDefinitionInlineInAJobThatUsesIt() throws Exception {
        create("{\"cache_name\":\"sys\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"}]}");
        CacheDefinition def = harness.bus.definitions.get(0);

        harness.postAsync("/v1/chat/completions", """
                {"model":"test-model","use_cache":"sys","messages":[{"role":"user","content":"Hi"}]}""");
        FakeBus.Published chat = harness.bus.nextJob();

        assertThat(chat.job().cache().definition()).isEqualTo(def);
        assertThat(chat.key()).isEqualTo("test-model/sys");
    }

    @Test
    void shouldAnswer404CacheNotFoundForUseCacheOfAnUnknownCache() throws Exception {
        HttpResponse<String> response = harness.send("POST", "/v1/chat/completions", """
                {"model":"test-model","use_cache":"nope","messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode error = JsonCodec.mapper().readTree(response.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("cache_not_found");
        assertThat(error.path("param").asText()).isEqualTo("use_cache");
    }

    @Test
    void shouldAnswer400ForAnInvalidUseCacheName() throws Exception {
        HttpResponse<String> response = harness.send("POST", "/v1/completions",
                "{\"model\":\"test-model\",\"use_cache\":\"a b\",\"prompt\":\"x\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JsonCodec.mapper().readTree(response.body()).at("/error/param").asText()).isEqualTo("use_cache");
    }

    @Test
    void shouldShowTheFleetWithGoneBoardsMarked() throws Exception {
        long now = System.currentTimeMillis();
        harness.fleet.apply("b-live", JsonCodec.encode(status("b-live", now)));
        harness.fleet.apply("b-old", JsonCodec.encode(status("b-old", now - 60_000)));

        JsonNode fleet = JsonCodec.mapper().readTree(harness.get("/v1/fleet").body());

        JsonNode model = fleet.at("/models/0");
        assertThat(model.path("model").asText()).isEqualTo("test-model");
        assertThat(model.path("live_boards").asInt()).isEqualTo(1);
        assertThat(model.path("boards")).extracting(b -> b.path("worker_id").asText() + "=" + b.path("status").asText())
                .containsExactly("b-live=live", "b-old=gone");
    }

    private static WorkerStatus status(String id, long timestamp) {
        return new WorkerStatus(Protocol.VERSION, id, "test-model", "sim", "1.2", WorkerStatus.State.BUSY, List.of(1),
                List.of(), 2, null, 100, 10, 1.0, 3, 1000, timestamp - 1000, timestamp);
    }
}
