package dev.npufleet.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.npufleet.gateway.metrics.GatewayMetrics;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.CancelRequest;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobAccepted;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.Topics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KafkaBusTest {
    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final KafkaBus bus = new KafkaBus(producer, new Topics("t."), metrics, Duration.ofSeconds(1));

    @AfterEach
    void close() {
        bus.close();
    }

    private static Job job() {
        return new Job(Protocol.VERSION, JobIds.newId(), "qwen:0.6b", JobKind.CHAT, List.of(ChatMessage.user("hi")),
                null, null, null, "t.npu.events", 1, 0);
    }

    @Test
    void shouldPublishAJobToItsModelsTopicWithKeyAndChosenPartition() {
        Job job = job();

        CompletableFuture<Void> acked = bus.publishJob(job, "key-1", OptionalInt.of(3));

        ProducerRecord<String, byte[]> record = producer.history().get(0);
        assertThat(record.topic()).isEqualTo("t.npu.jobs.qwen_0.6b");
        assertThat(record.key()).isEqualTo("key-1");
        assertThat(record.partition()).isEqualTo(3);
        assertThat(JsonCodec.decode(record.value(), Job.class)).isEqualTo(job);
        assertThat(acked).isNotDone();
        producer.completeNext();
        assertThat(acked).isCompleted();
        assertThat(metrics.scrape()).contains("gateway_kafka_produce_seconds_count{outcome=\"ok\",record=\"job\"} 1");
    }

    @Test
    void shouldCarryTheRequestsTraceContextInTheJobRecordsHeaders() {
        // Given the context of a traced request
        Context trace = Context.root().with(Span.wrap(SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736",
                "00f067aa0ba902b7", TraceFlags.getSampled(), TraceState.getDefault())));

        // When its job is published, on either lane
        bus.publishJob(job(), "key-1", OptionalInt.empty(), trace);
        bus.publishBackgroundJob(job(), "key-1", OptionalInt.empty(), trace);
        bus.publishJob(job(), "key-1", OptionalInt.empty());

        // Then the records carry its W3C traceparent; a job published without one carries none
        assertThat(producer.history()).extracting(r -> r.headers().lastHeader("traceparent"))
                .extracting(h -> h == null ? null : new String(h.value(), StandardCharsets.UTF_8))
                .containsExactly("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null);
    }

    @Test
    void shouldPublishABackgroundJobToItsModelsBackgroundTopic() {
        Job job = job();

        bus.publishBackgroundJob(job, "key-1", OptionalInt.of(2));
        bus.publishBackgroundJob(job, "key-2", OptionalInt.empty());

        assertThat(producer.history()).extracting(ProducerRecord::topic)
                .containsExactly("t.npu.jobs.qwen_0.6b.bg", "t.npu.jobs.qwen_0.6b.bg");
        assertThat(producer.history()).extracting(ProducerRecord::partition).containsExactly(2, null);
    }

    @Test
    void shouldLeaveItToTheKeyHashWhenTheTopicLacksTheChosenPartition() {
        Node node = new Node(0, "localhost", 9092);
        String topic = "t.npu.jobs.qwen_0.6b";
        Cluster cluster = new Cluster("c", List.of(node), List.of(new PartitionInfo(topic, 0, node, null, null),
                new PartitionInfo(topic, 1, node, null, null)), Set.of(), Set.of());
        MockProducer<String, byte[]> small = new MockProducer<>(cluster, true, null, new StringSerializer(),
                new ByteArraySerializer());
        try (KafkaBus twoPartitions = new KafkaBus(small, new Topics("t."), metrics, Duration.ofSeconds(1))) {
            CompletableFuture<Void> stale = twoPartitions.publishJob(job(), "k", OptionalInt.of(5));
            CompletableFuture<Void> fine = twoPartitions.publishJob(job(), "k", OptionalInt.of(1));

            assertThat(stale).isCompleted();
            assertThat(fine).isCompleted();
            assertThat(small.history()).extracting(ProducerRecord::partition).containsExactly(null, 1);
        }
    }

    @Test
    void shouldFailThePublishWhenTheBrokerDoesNotAcknowledge() {
        CompletableFuture<Void> acked = bus.publishJob(job(), "k", OptionalInt.empty());

        producer.errorNext(new TimeoutException("Expiring 1 record(s)"));

        assertThat(acked).isCompletedExceptionally();
        assertThat(producer.history().get(0).partition()).isNull();
    }

    @Test
    void shouldFailThePublishWhenSendItselfThrows() {
        producer.sendException = new TimeoutException("not present in metadata after 5000 ms");

        assertThat(bus.publishJob(job(), "k", OptionalInt.empty())).isCompletedExceptionally();
    }

    @Test
    void shouldSendACancelKeyedByJobIdToTheControlTopic() {
        bus.cancel("job-9", "timeout");

        await().atMost(Duration.ofSeconds(5)).until(() -> !producer.history().isEmpty());
        ProducerRecord<String, byte[]> record = producer.history().get(0);
        assertThat(record.topic()).isEqualTo("t.npu.control");
        assertThat(record.key()).isEqualTo("job-9");
        CancelRequest cancel = JsonCodec.decode(record.value(), CancelRequest.class);
        assertThat(cancel.jobId()).isEqualTo("job-9");
        assertThat(cancel.reason()).isEqualTo("timeout");
    }

    @Test
    void shouldPublishCacheDefinitionsAndTombstonesKeyedByModelAndName() {
        CacheDefinition def = new CacheDefinition("m", "c", "r", "p", List.of(), false, 0, 1);

        CompletableFuture<Long> defined = bus.publishCacheDefinition(def);
        producer.completeNext();
        CompletableFuture<Long> deleted = bus.publishCacheDeletion("m", "c");
        producer.completeNext();

        assertThat(defined).isCompleted();
        assertThat(deleted).isCompleted();
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsOnly("t.npu.caches");
        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("m/c", "m/c");
        assertThat(producer.history().get(1).value()).isNull();
    }

    @Test
    void shouldPublishAnAcceptedEventKeyedByJobIdForTheDefaultPartitioner() {
        String id = JobIds.newId();
        Event accepted = Event.accepted(id, new JobAccepted("/v1/completions", "m", null, Map.of(), 1, 2));

        CompletableFuture<Void> acked = bus.publishEvent(accepted);
        producer.completeNext();

        ProducerRecord<String, byte[]> record = producer.history().get(0);
        assertThat(acked).isCompleted();
        assertThat(record.topic()).isEqualTo("t.npu.events");
        assertThat(record.key()).isEqualTo(id);
        assertThat(record.partition()).as("the key hash, like the workers' events of the job").isNull();
        assertThat(JsonCodec.decode(record.value(), Event.class)).isEqualTo(accepted);
    }

    @Test
    void shouldReportWhetherAnExplicitCancelWasAcknowledged() {
        CompletableFuture<Void> ok = bus.publishCancel("job-1", "cancelled by client");
        producer.completeNext();
        CompletableFuture<Void> lost = bus.publishCancel("job-2", "cancelled by client");
        producer.errorNext(new TimeoutException("Expiring 1 record(s)"));

        assertThat(ok).isCompleted();
        assertThat(lost).isCompletedExceptionally();
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsOnly("t.npu.control");
        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("job-1", "job-2");
    }
}
