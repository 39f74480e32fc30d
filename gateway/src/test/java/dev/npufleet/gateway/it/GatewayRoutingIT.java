package dev.npufleet.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.broker.TopicAdmin;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.JsonCodec;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cache-aware routing on a real broker: boards on the wire ({@link ScriptedBoard}) announce their partitions,
 * caches and queues in the workers topic, and the test checks which partition each job lands on, what the gateway
 * says about it, and what {@code /v1/fleet} shows. Each test has its own model, so its own job topic.
 */
@ExtendWith(KafkaTestBroker.class)
class GatewayRoutingIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Statuses go stale fast here, so that a silent board is dropped within the test's patience. */
    private static final Duration STALE = Duration.ofMillis(2000);
    private static final AtomicInteger MODELS = new AtomicInteger();

    private static String bootstrap;
    private static GatewayUnderTest gateway;
    private String model;
    private final List<ScriptedBoard> boards = new ArrayList<>();

    @BeforeAll
    static void start(KafkaTestBroker.Broker kafka) {
        bootstrap = kafka.bootstrapServers();
        gateway = GatewayUnderTest.start(bootstrap, KafkaTestBroker.uniqueName("gwr") + ".",
                Map.of("NPUFLEET_WORKER_STALE_MS", Long.toString(STALE.toMillis()))).awaitReady();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @BeforeEach
    void newModel() {
        model = "route-" + MODELS.incrementAndGet();
        TopicAdmin.create(bootstrap, gateway.topics().jobs(model), 6);
    }

    @AfterEach
    void closeBoards() {
        boards.forEach(ScriptedBoard::close);
    }

    private ScriptedBoard board(String id, Integer... partitions) {
        ScriptedBoard b = new ScriptedBoard(bootstrap, gateway.topics(), model, id, List.of(partitions));
        boards.add(b);
        return b;
    }

    /**
     * Defines {@code name} (revision {@code rev-<name>}) in the caches topic, as another gateway would, and waits
     * until this one knows it. The gateway serves the test's model once a board announces it: call after
     * {@link #awaitLive}.
     */
    private void define(String name) throws Exception {
        CacheDefinition def = new CacheDefinition(model, name, "rev-" + name, "You are a careful engineer. ".repeat(100),
                null, false, 0, System.currentTimeMillis());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(gateway.topics().caches(), def.key(), JsonCodec.encode(def))).get();
        }
        await().atMost(WAIT).until(() -> gateway.get("/v1/cache/" + model + "/" + name).statusCode() == 200);
    }

    private JsonNode fleetBoards() throws Exception {
        JsonNode fleet = JsonCodec.mapper().readTree(gateway.get("/v1/fleet").body());
        for (JsonNode m : fleet.path("models")) {
            if (m.path("model").asText().equals(model)) {
                return m.path("boards");
            }
        }
        return JsonCodec.mapper().createArrayNode();
    }

    /** Waits until {@code /v1/fleet} shows exactly these boards live for the test's model. */
    private void awaitLive(String... ids) {
        await().atMost(WAIT).untilAsserted(() -> {
            Set<String> live = new TreeSet<>();
            for (JsonNode b : fleetBoards()) {
                if (b.path("status").asText().equals("live")) {
                    live.add(b.path("worker_id").asText());
                }
            }
            assertThat(live).containsExactlyInAnyOrder(ids);
        });
    }

    /** Waits until {@code /v1/fleet} shows {@code board} live with this cache and queue. */
    private void awaitStatus(String board, String cache, long queue) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(fleetBoards()).anySatisfy(b -> {
            assertThat(b.path("worker_id").asText()).isEqualTo(board);
            assertThat(b.path("status").asText()).isEqualTo("live");
            assertThat(b.path("caches").findValuesAsText("name")).contains(cache);
            assertThat(b.path("queue_depth").asLong()).isEqualTo(queue);
        }));
    }

    /** Waits until {@code /v1/fleet} shows {@code board} live with this queue and exactly these partitions. */
    private void awaitPartitions(String board, long queue, Integer... partitions) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(fleetBoards()).anySatisfy(b -> {
            assertThat(b.path("worker_id").asText()).isEqualTo(board);
            assertThat(b.path("status").asText()).isEqualTo("live");
            assertThat(b.path("queue_depth").asLong()).isEqualTo(queue);
            assertThat(b.path("partitions")).extracting(JsonNode::asInt).containsExactly(partitions);
        }));
    }

    private CompletableFuture<HttpResponse<String>> useCache(String cache) {
        return gateway.postAsync("/v1/chat/completions", "{\"model\":\"" + model + "\",\"use_cache\":\"" + cache
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Sort a list.\"}]}");
    }

    /** The job's board answers it; returns the response. */
    private static HttpResponse<String> answered(ScriptedBoard.Received job,
            CompletableFuture<HttpResponse<String>> pending) throws Exception {
        job.board().answer(job.job(), "ok");
        HttpResponse<String> response = pending.get(30, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }

    private static String routing(HttpResponse<String> response) {
        return response.headers().firstValue("x-npufleet-routing").orElseThrow();
    }

    @Test
    void shouldSendAJobNamingACacheToAPartitionOfTheBoardHoldingIt() throws Exception {
        ScriptedBoard a = board("rk-a", 0, 1);
        ScriptedBoard b = board("rk-b", 2, 3);
        ScriptedBoard c = board("rk-c", 4, 5);
        b.holds("coding", "rev-coding");
        awaitLive("rk-a", "rk-b", "rk-c");
        define("coding");
        awaitStatus("rk-b", "coding", 0);

        CompletableFuture<HttpResponse<String>> pending = useCache("coding");
        ScriptedBoard.Received job = ScriptedBoard.nextJob(WAIT, a, b, c);
        HttpResponse<String> response = answered(job, pending);

        assertThat(job.board()).isSameAs(b);
        assertThat(job.partition()).isIn(2, 3);
        assertThat(routing(response)).isEqualTo("cache-aware;CACHE_HOLDER;rk-b;" + job.partition());
        assertThat(response.headers().firstValue("x-npufleet-route")).hasValue(model + "/coding");
        assertThat(response.headers().firstValue("x-npufleet-worker")).hasValue("rk-b");
    }

    @Test
    void shouldSpillAHotCacheToAnotherBoardWhenTheHoldersQueueIsFull() throws Exception {
        ScriptedBoard a = board("rk-a", 0, 1);
        ScriptedBoard b = board("rk-b", 2, 3);
        ScriptedBoard c = board("rk-c", 4, 5);
        a.holds("hot", "rev-hot");
        a.queueDepth(20);
        awaitLive("rk-a", "rk-b", "rk-c");
        define("hot");
        awaitStatus("rk-a", "hot", 20);

        CompletableFuture<HttpResponse<String>> pending = useCache("hot");
        ScriptedBoard.Received job = ScriptedBoard.nextJob(WAIT, a, b, c);
        HttpResponse<String> response = answered(job, pending);

        assertThat(job.board()).isIn(b, c);
        assertThat(routing(response)).startsWith("cache-aware;SPILL_OVERLOADED;" + job.board().id + ";");
    }

    @Test
    void shouldStopChoosingABoardWhoseStatusWentStaleAndShowItGone() throws Exception {
        ScriptedBoard a = board("rk-a", 0, 1, 2);
        ScriptedBoard b = board("rk-b", 3, 4, 5);
        a.holds("coding", "rev-coding");
        awaitLive("rk-a", "rk-b");
        define("coding");
        awaitStatus("rk-a", "coding", 0);

        a.fallSilent();

        awaitLive("rk-b");
        assertThat(fleetBoards()).anySatisfy(board -> {
            assertThat(board.path("worker_id").asText()).isEqualTo("rk-a");
            assertThat(board.path("status").asText()).isEqualTo("gone");
        });
        CompletableFuture<HttpResponse<String>> pending = useCache("coding");
        ScriptedBoard.Received job = ScriptedBoard.nextJob(WAIT, a, b);
        HttpResponse<String> response = answered(job, pending);
        assertThat(job.board()).isSameAs(b);
        assertThat(routing(response)).startsWith("cache-aware;NEW_REPLICA_ON_KEY_OWNER;rk-b;");
    }

    @Test
    void shouldGiveABoardThatJoinsPartitionsAndJobs() throws Exception {
        ScriptedBoard a = board("rk-a", 0, 1, 2, 3, 4, 5);
        a.queueDepth(3);
        awaitPartitions("rk-a", 3, 0, 1, 2, 3, 4, 5);

        a.own(List.of(0, 1, 2));
        ScriptedBoard b = board("rk-b", 3, 4, 5);
        // the gateway routes on what it has seen: both boards' new claims, and a's queue
        awaitPartitions("rk-a", 3, 0, 1, 2);
        awaitPartitions("rk-b", 0, 3, 4, 5);

        CompletableFuture<HttpResponse<String>> pending = gateway.postAsync("/v1/completions",
                "{\"model\":\"" + model + "\",\"prompt\":\"Once upon\"}");
        ScriptedBoard.Received job = ScriptedBoard.nextJob(WAIT, a, b);
        HttpResponse<String> response = answered(job, pending);

        assertThat(job.board()).isSameAs(b);
        assertThat(job.partition()).isIn(3, 4, 5);
        assertThat(routing(response)).startsWith("cache-aware;LEAST_LOADED;rk-b;");
        assertThat(fleetBoards()).anySatisfy(board -> {
            assertThat(board.path("worker_id").asText()).isEqualTo("rk-b");
            assertThat(board.path("partitions")).extracting(JsonNode::asInt).containsExactly(3, 4, 5);
        });
    }

    @Test
    void shouldServeAJobQueuedOnABoardThatLeavesThroughTheBoardThatTakesItsPartitions() throws Exception {
        ScriptedBoard a = board("rk-a", 0, 1, 2);
        ScriptedBoard b = board("rk-b", 3, 4, 5);
        b.holds("coding", "rev-coding");
        awaitLive("rk-a", "rk-b");
        define("coding");
        awaitStatus("rk-b", "coding", 0);
        CompletableFuture<HttpResponse<String>> pending = useCache("coding");
        await().atMost(WAIT).until(() -> fleetBoards().findValues("in_flight_from_this_gateway").stream()
                .mapToInt(JsonNode::asInt).sum() == 1);

        // b leaves before reading its partitions; a takes them over and finds the job there
        b.leave();
        a.own(List.of(0, 1, 2, 3, 4, 5));
        ScriptedBoard.Received job = ScriptedBoard.nextJob(WAIT, a);
        HttpResponse<String> response = answered(job, pending);

        assertThat(job.partition()).isIn(3, 4, 5);
        assertThat(routing(response)).startsWith("cache-aware;CACHE_HOLDER;rk-b;");
        assertThat(response.headers().firstValue("x-npufleet-worker")).hasValue("rk-a");
        awaitLive("rk-a");
        await().atMost(WAIT).untilAsserted(() -> assertThat(fleetBoards()).singleElement()
                .satisfies(board -> assertThat(board.path("partitions")).hasSize(6)));
    }
}
