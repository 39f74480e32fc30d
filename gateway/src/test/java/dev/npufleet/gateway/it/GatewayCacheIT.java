package dev.npufleet.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.protocol.CacheBuild;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.WorkerStatus;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The named-cache API and the fleet view on a real broker, the test playing the board on the wire. */
@ExtendWith(KafkaTestBroker.class)
class GatewayCacheIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static String bootstrap;
    private static GatewayUnderTest gateway;
    private static ScriptedWorker worker;

    @BeforeAll
    static void start(KafkaTestBroker.Broker kafka) {
        bootstrap = kafka.bootstrapServers();
        gateway = GatewayUnderTest.start(bootstrap, KafkaTestBroker.uniqueName("gwc") + ".", Map.of()).awaitReady();
        worker = new ScriptedWorker(bootstrap, gateway.topics(), GatewayUnderTest.MODEL);
    }

    @AfterAll
    static void stop() {
        worker.close();
        gateway.close();
    }

    /** Creates a cache, the worker building it at once; returns the 201 response and the build job. */
    private static HttpResponse<String> create(String name, String prompt, List<Job> builds) throws Exception {
        CompletableFuture<HttpResponse<String>> pending = gateway.postAsync("/v1/cache/it-model",
                "{\"cache_name\":\"" + name + "\",\"prompt\":\"" + prompt + "\"}");
        ScriptedWorker.Received received = worker.nextJob(WAIT);
        Job job = received.job();
        builds.add(job);
        assertThat(received.key()).isEqualTo("it-model/" + name);
        worker.send(job, Event.finish(job.id(), ScriptedWorker.BOARD, 1, 0, "stop", null, null,
                new CacheBuild(ScriptedWorker.BOARD, name, job.cache().definition().revision(), true, 1_048_576, 250,
                        31)));
        return pending.get(30, TimeUnit.SECONDS);
    }

    @Test
    void shouldCreateACacheWith201AfterItsFirstBuildAndPublishTheDefinition() throws Exception {
        List<Job> builds = new ArrayList<>();

        HttpResponse<String> response = create("coding", "You are a senior engineer.", builds);

        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode body = JsonCodec.mapper().readTree(response.body());
        assertThat(body.path("cache_name").asText()).isEqualTo("coding");
        assertThat(body.at("/build/worker").asText()).isEqualTo(ScriptedWorker.BOARD);
        assertThat(body.at("/build/size_bytes").asLong()).isEqualTo(1_048_576);
        Job build = builds.get(0);
        assertThat(build.kind()).isEqualTo(JobKind.CACHE_BUILD);
        List<ConsumerRecord<String, byte[]>> records = readAll(gateway.topics().caches());
        assertThat(records).anySatisfy(r -> {
            assertThat(r.key()).isEqualTo("it-model/coding");
            assertThat(JsonCodec.decode(r.value(), CacheDefinition.class)).isEqualTo(build.cache().definition());
        });
    }

    @Test
    void shouldListAndGetCachesAndShowThemToAGatewayStartedLater() throws Exception {
        create("listed", "Prefix.", new ArrayList<>());

        JsonNode list = JsonCodec.mapper().readTree(gateway.get("/v1/cache/it-model").body());
        assertThat(list.path("data")).extracting(n -> n.path("cache_name").asText()).contains("listed");

        try (GatewayUnderTest late = GatewayUnderTest.start(bootstrap, gateway.config.kafka().cluster().topicPrefix(), Map.of())
                .awaitReady()) {
            HttpResponse<String> got = late.get("/v1/cache/it-model/listed");
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(JsonCodec.mapper().readTree(got.body()).path("prompt").asText()).isEqualTo("Prefix.");
        }
    }

    @Test
    void shouldPutTheDefinitionInlineInAJobThatUsesTheCache() throws Exception {
        List<Job> builds = new ArrayList<>();
        create("inline", "Be terse.", builds);

        CompletableFuture<HttpResponse<String>> pending = gateway.postAsync("/v1/completions",
                "{\"model\":\"it-model\",\"use_cache\":\"inline\",\"prompt\":\"Q:\"}");
        ScriptedWorker.Received received = worker.nextJob(WAIT);
        worker.send(received.job(), Event.finish(received.job().id(), ScriptedWorker.BOARD, 1, 0, "stop", null, null,
                null));
        pending.get(30, TimeUnit.SECONDS);

        assertThat(received.key()).isEqualTo("it-model/inline");
        assertThat(received.job().cache().definition()).isEqualTo(builds.get(0).cache().definition());
    }

    @Test
    void shouldPublishATombstoneOnDelete() throws Exception {
        create("doomed", "Soon gone.", new ArrayList<>());

        HttpResponse<String> deleted = gateway.send("DELETE", "/v1/cache/it-model/doomed", null);

        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(readAll(gateway.topics().caches()))
                .anySatisfy(r -> assertThat(r.key()).isEqualTo("it-model/doomed"))
                .filteredOn(r -> r.key().equals("it-model/doomed")).last()
                .satisfies(r -> assertThat(r.value()).isNull());
        assertThat(gateway.get("/v1/cache/it-model/doomed").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldRefuseBadNamesAndUnknownCaches() throws Exception {
        assertThat(gateway.send("POST", "/v1/cache/it-model", "{\"cache_name\":\"no spaces\",\"prompt\":\"x\"}")
                .statusCode()).isEqualTo(400);
        HttpResponse<String> unknown = gateway.get("/v1/cache/it-model/never-made");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JsonCodec.mapper().readTree(unknown.body()).at("/error/code").asText()).isEqualTo("cache_not_found");
        assertThat(gateway.send("POST", "/v1/chat/completions",
                "{\"model\":\"it-model\",\"use_cache\":\"never-made\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .statusCode()).isEqualTo(404);
    }

    @Test
    void shouldShowBoardsFromTheWorkersTopicAndServeTheirModels() throws Exception {
        long now = System.currentTimeMillis();
        WorkerStatus status = new WorkerStatus(Protocol.VERSION, "rk-7", "other-model", "rkllm", "1.2.1",
                WorkerStatus.State.IDLE, List.of(0, 1), List.of(), 0, null, 120, 15, 1.0, 9, 1000, now - 5000, now);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(gateway.topics().workers(), "rk-7", JsonCodec.encode(status))).get();
        }

        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode models = JsonCodec.mapper().readTree(gateway.get("/v1/models").body());
            assertThat(models.path("data")).extracting(m -> m.path("id").asText())
                    .containsExactly("it-model", "other-model");
        });
        JsonNode fleet = JsonCodec.mapper().readTree(gateway.get("/v1/fleet").body());
        assertThat(fleet.findValues("worker_id")).extracting(JsonNode::asText).contains("rk-7");
        assertThat(gateway.send("POST", "/v1/completions", "{\"model\":\"unknown-model\",\"prompt\":\"x\"}")
                .statusCode()).isEqualTo(404);
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(ScriptedWorker.consumerProps(bootstrap))) {
            var partitions = ScriptedWorker.partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        return out;
    }
}
