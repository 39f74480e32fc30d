package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.CacheBuild;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.Usage;
import dev.npufleet.protocol.WorkerStatus;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routing as the HTTP layer shows it: headers, the published partition, cache builds, the fleet view. */
class RoutingHttpTest {
    private HttpHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new HttpHarness();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private void board(String id, List<Integer> partitions, List<WorkerStatus.CacheHolding> caches) {
        long now = System.currentTimeMillis();
        harness.fleet.apply(id, JsonCodec.encode(new WorkerStatus(Protocol.VERSION, id, HttpHarness.MODEL, "sim",
                "1.3.0", WorkerStatus.State.IDLE, partitions, caches, 0, null, 0, 0, 1.0, 0, 1000, now, now)));
    }

    private CacheDefinition define(String name) {
        CacheDefinition def = new CacheDefinition(HttpHarness.MODEL, name, "rev-" + name, "p".repeat(4000), null,
                false, 0, System.currentTimeMillis());
        harness.caches.applyOwn(def, 0);
        return def;
    }

    private static String completion(String cache) {
        return "{\"model\":\"test-model\",\"use_cache\":\"" + cache + "\",\"prompt\":\"Q:\"}";
    }

    @Test
    void shouldPublishToAPartitionOfTheHolderAndSayWhyInAHeader() throws Exception {
        CacheDefinition def = define("coding");
        board("board-1", List.of(0, 1), List.of());
        board("board-2", List.of(2, 3), List.of(new WorkerStatus.CacheHolding("coding", def.revision(), 1, 0, 0)));

        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/v1/completions", completion("coding"));
        FakeBus.Published published = harness.bus.nextJob();
        harness.emit(Event.started(published.job().id(), "board-2", 1, null));
        harness.emit(Event.finish(published.job().id(), "board-2", 1, 0, "stop", Usage.of(4002, 1, 4000), null, null));
        HttpResponse<String> response = pending.get(10, TimeUnit.SECONDS);

        assertThat(published.key()).isEqualTo("test-model/coding");
        assertThat(published.partition().getAsInt()).isIn(2, 3);
        assertThat(response.headers().firstValue("x-npufleet-route")).hasValue("test-model/coding");
        assertThat(response.headers().firstValue("x-npufleet-routing"))
                .hasValue("cache-aware;CACHE_HOLDER;board-2;" + published.partition().getAsInt());
        assertThat(response.headers().firstValue("x-npufleet-routing-estimate-ms")).isPresent();
        assertThat(response.headers().firstValue("x-npufleet-worker")).hasValue("board-2");
        assertThat(harness.router.inFlightJobs()).isZero();
    }

    @Test
    void shouldSendTheFirstJobsOfANewCacheToTheBoardThatBuiltIt() throws Exception {
        board("board-1", List.of(0, 1), List.of());
        board("board-2", List.of(2, 3), List.of());
        board("board-3", List.of(4, 5), List.of());
        CompletableFuture<HttpResponse<String>> created = harness.postAsync("/v1/cache/test-model",
                "{\"cache_name\":\"fresh\",\"prompt\":\"" + "s".repeat(4000) + "\"}");
        FakeBus.Published build = harness.bus.nextJob();
        Job job = build.job();
        String builder = "board-" + (build.partition().getAsInt() / 2 + 1);
        harness.emit(Event.started(job.id(), builder, 1, null));
        harness.emit(Event.finish(job.id(), builder, 1, 0, "stop", null, null,
                new CacheBuild(builder, "fresh", job.cache().definition().revision(), true, 1, 1, 4000)));
        assertThat(created.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(201);

        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/v1/completions", completion("fresh"));
        FakeBus.Published next = harness.bus.nextJob();
        harness.emit(Event.finish(next.job().id(), builder, 1, 0, "stop", null, null, null));

        assertThat(next.partition().getAsInt() / 2 + 1).isEqualTo(build.partition().getAsInt() / 2 + 1);
        assertThat(next.key()).isEqualTo("test-model/fresh");
        // no status lists the cache yet: the router knows it from the build it sent
        assertThat(pending.get(10, TimeUnit.SECONDS).headers().firstValue("x-npufleet-routing").orElseThrow())
                .startsWith("cache-aware;CACHE_HOLDER;" + builder + ";");
    }

    @Test
    void shouldShowThePolicyAndThisGatewaysJobsInFlightInTheFleetView() throws Exception {
        board("board-1", List.of(0), List.of());
        harness.postAsync("/v1/completions", "{\"model\":\"test-model\",\"prompt\":\"hello\"}");
        harness.bus.nextJob();

        JsonNode fleet = JsonCodec.mapper().readTree(harness.get("/v1/fleet").body());
        JsonNode models = JsonCodec.mapper().readTree(harness.get("/v1/models").body());

        assertThat(fleet.at("/routing/policy").asText()).isEqualTo("cache-aware");
        assertThat(fleet.at("/routing/load_factor").asDouble()).isEqualTo(1.25);
        JsonNode board = fleet.at("/models/0/boards/0");
        assertThat(board.path("worker_id").asText()).isEqualTo("board-1");
        assertThat(board.path("in_flight_from_this_gateway").asInt()).isEqualTo(1);
        assertThat(board.path("load").asDouble()).isEqualTo(1.0);
        assertThat(models.at("/data/0/live_boards").asInt()).isEqualTo(1);
    }

    @Test
    void shouldForgetAJobInFlightWhenItsRequestTimesOut() throws Exception {
        harness.close();
        harness = new HttpHarness(java.util.Map.of("NPUFLEET_REQUEST_TIMEOUT_MS", "300"));
        board("board-1", List.of(0), List.of());

        HttpResponse<String> response = harness.send("POST", "/v1/completions",
                "{\"model\":\"test-model\",\"prompt\":\"hello\"}");

        assertThat(response.statusCode()).isEqualTo(504);
        await().atMost(Duration.ofSeconds(5)).until(() -> harness.router.inFlightJobs() == 0);
    }

    @Test
    void shouldLeaveItToTheKeyHashWithoutBoards() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/v1/completions",
                "{\"model\":\"test-model\",\"prompt\":\"hello\"}");
        FakeBus.Published published = harness.bus.nextJob();
        harness.emit(Event.finish(published.job().id(), "board-9", 1, 0, "stop", null, null, null));

        assertThat(published.partition()).isEmpty();
        assertThat(pending.get(10, TimeUnit.SECONDS).headers().firstValue("x-npufleet-routing"))
                .hasValue("cache-aware;NO_FLEET_VIEW;-;-");
    }
}
