package dev.npufleet.gateway.kafka;

import dev.npufleet.gateway.config.GatewayKafka;
import dev.npufleet.gateway.jobs.JobBus;
import dev.npufleet.gateway.metrics.GatewayMetrics;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.CancelRequest;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Topics;
import dev.npufleet.protocol.tracing.TraceHeaders;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes jobs, cancels, cache definitions and the gateway's own events (ACCEPTED) through one idempotent
 * producer (thread-safe, shared by all requests); never from the producer's own I/O thread. {@code send} blocks
 * at most {@code max.block.ms} (the Kafka timeout) when metadata is missing; cancels go through a single sender thread, because they are issued from
 * threads that must not block at all (the events consumer, the timer, selector callbacks).
 */
public final class KafkaBus implements JobBus, AutoCloseable {
    /** The name Kafka gives the producer's network thread (prefix). */
    static final String PRODUCER_IO_THREAD = "kafka-producer-network-thread";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBus.class);

    private final Producer<String, byte[]> producer;
    private final Topics topics;
    private final GatewayMetrics metrics;
    private final Duration closeTimeout;
    private final ExecutorService cancelSender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gateway-cancels");
        t.setDaemon(true);
        return t;
    });

    public KafkaBus(GatewayKafka config, GatewayMetrics metrics) {
        this(new KafkaProducer<>(KafkaProps.producer(config)), config.topics(), metrics, config.timeout());
    }

    KafkaBus(Producer<String, byte[]> producer, Topics topics, GatewayMetrics metrics, Duration closeTimeout) {
        this.producer = producer;
        this.topics = topics;
        this.metrics = metrics;
        this.closeTimeout = closeTimeout;
    }

    @Override
    public CompletableFuture<Void> publishJob(Job job, String key, OptionalInt partition) {
        return publishJob(job, key, partition, Context.root());
    }

    @Override
    public CompletableFuture<Void> publishBackgroundJob(Job job, String key, OptionalInt partition) {
        return publishBackgroundJob(job, key, partition, Context.root());
    }

    @Override
    public CompletableFuture<Void> publishJob(Job job, String key, OptionalInt partition, Context trace) {
        return publish(topics.jobs(job.model()), job, key, partition, trace);
    }

    @Override
    public CompletableFuture<Void> publishBackgroundJob(Job job, String key, OptionalInt partition, Context trace) {
        return publish(topics.background(job.model()), job, key, partition, trace);
    }

    private CompletableFuture<Void> publish(String topic, Job job, String key, OptionalInt partition, Context trace) {
        Integer p = null;
        if (partition.isPresent()) {
            try {
                p = existing(topic, partition.getAsInt(), job.id());
            } catch (RuntimeException e) {
                // metadata did not come within max.block.ms: the send would fail the same way
                metrics.produced("job", false, 0);
                return CompletableFuture.failedFuture(e instanceof KafkaException ? e : new KafkaException(e));
            }
        }
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, p, key, JsonCodec.encode(job));
        TraceHeaders.inject(trace, record.headers());
        return send(record, "job").thenApply(metadata -> null);
    }

    /**
     * The chosen partition, or null (the key hash) when the topic does not have it: a status may name partitions of
     * a topic since recreated with fewer, and a routing hint must never fail the request. The producer's metadata
     * is the judge; it is cached, so this costs nothing once the topic was used.
     */
    private Integer existing(String topic, int partition, String jobId) {
        List<PartitionInfo> partitions = producer.partitionsFor(topic);
        if (partitions.isEmpty() || partitions.stream().anyMatch(i -> i.partition() == partition)) {
            return partition;
        }
        LOG.atWarn().addKeyValue("jobId", jobId).addKeyValue("partition", partition)
                .log("{} has no partition {} (it has {}); the key hash decides", topic, partition, partitions.size());
        return null;
    }

    @Override
    public CompletableFuture<Long> publishCacheDefinition(CacheDefinition definition) {
        return send(new ProducerRecord<>(topics.caches(), definition.key(), JsonCodec.encode(definition)), "cache")
                .thenApply(RecordMetadata::offset);
    }

    @Override
    public CompletableFuture<Long> publishCacheDeletion(String model, String name) {
        return send(new ProducerRecord<>(topics.caches(), CacheDefinition.key(model, name), null), "cache")
                .thenApply(RecordMetadata::offset);
    }

    @Override
    public CompletableFuture<Void> publishEvent(Event event) {
        return send(new ProducerRecord<>(topics.events(), event.jobId(), JsonCodec.encode(event)), "event")
                .thenApply(metadata -> null);
    }

    @Override
    public CompletableFuture<Void> publishCancel(String jobId, String reason) {
        return send(cancelRecord(jobId, reason), "cancel").thenApply(metadata -> null);
    }

    private ProducerRecord<String, byte[]> cancelRecord(String jobId, String reason) {
        return new ProducerRecord<>(topics.control(), jobId, JsonCodec.encode(CancelRequest.of(jobId, reason)));
    }

    @Override
    public void cancel(String jobId, String reason) {
        ProducerRecord<String, byte[]> record = cancelRecord(jobId, reason);
        try {
            cancelSender.execute(() -> send(record, "cancel").whenComplete((metadata, failure) -> {
                if (failure != null) {
                    LOG.atWarn().addKeyValue("jobId", jobId).log("cannot publish cancel: {}", failure.toString());
                }
            }));
        } catch (RejectedExecutionException e) {
            LOG.atDebug().addKeyValue("jobId", jobId).log("closing: cancel not sent");
        }
    }

    /** Sends any record (files, batches) through the shared producer. @param kind the metrics label */
    CompletableFuture<RecordMetadata> send(ProducerRecord<String, byte[]> record, String kind) {
        if (Thread.currentThread().getName().startsWith(PRODUCER_IO_THREAD)) {
            // send() may wait there for metadata that only this very thread can fetch: every send stalls 5 s
            return CompletableFuture.failedFuture(new IllegalStateException("a " + kind
                    + " was sent from the producer's I/O thread; leave it first (GatewayServices.executor)"));
        }
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        long start = System.nanoTime();
        try {
            producer.send(record, (metadata, failure) -> {
                metrics.produced(kind, failure == null, System.nanoTime() - start);
                if (failure != null) {
                    acked.completeExceptionally(failure);
                } else {
                    acked.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            // send() itself throws when metadata did not arrive within max.block.ms (a KafkaException),
            // or when the producer is closed (IllegalStateException): either way the record is not sent.
            metrics.produced(kind, false, System.nanoTime() - start);
            acked.completeExceptionally(e instanceof KafkaException ? e : new KafkaException(e.getMessage(), e));
        }
        return acked;
    }

    /** Sends the cancels still queued, then flushes and closes the producer, within the Kafka timeout. */
    @Override
    public void close() {
        cancelSender.shutdown();
        try {
            if (!cancelSender.awaitTermination(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("cancels still queued at close were dropped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(closeTimeout);
    }
}
