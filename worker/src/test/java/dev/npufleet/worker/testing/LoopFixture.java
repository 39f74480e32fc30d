package dev.npufleet.worker.testing;

import static org.awaitility.Awaitility.await;

import dev.npufleet.protocol.DeadLetter;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Topics;
import dev.npufleet.worker.cache.AutoCaches;
import dev.npufleet.worker.cache.CacheDefinitionView;
import dev.npufleet.worker.cache.CacheStore;
import dev.npufleet.worker.cache.PromptCaches;
import dev.npufleet.worker.config.IdentityConfig;
import dev.npufleet.worker.job.DeadLetters;
import dev.npufleet.worker.job.JobExecutor;
import dev.npufleet.worker.job.JobServices;
import dev.npufleet.worker.job.PoisonMarker;
import dev.npufleet.worker.job.RerunMode;
import dev.npufleet.worker.job.SlotControl;
import dev.npufleet.worker.kafka.BrokerLink;
import dev.npufleet.worker.kafka.JobLoop;
import dev.npufleet.worker.kafka.KafkaEventSink;
import dev.npufleet.worker.metrics.WorkerMetrics;
import dev.npufleet.worker.prompt.ChatTemplate;
import dev.npufleet.worker.status.WorkerStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The worker's job loop wired for unit tests: Kafka's {@link MockConsumer} and
 * {@link MockProducer}, the real {@link JobExecutor} over a {@link FakeEngine}. The test thread
 * drives the loop ({@link #spinUntil}), as the consumer thread would.
 */
public final class LoopFixture implements AutoCloseable {

    public static final String MODEL = "tiny";
    public static final String REPLIES = "replies";
    /** {@code NPUFLEET_RERUN_REPLAY_MAX_MS} as the fixture runs jobs: its default. */
    public static final Duration REPLAY_MAX = Duration.ofMillis(1000);

    public final Topics topics = new Topics("t.");
    public final String jobsTopic = topics.jobs(MODEL);
    public final TopicPartition p0 = new TopicPartition(jobsTopic, 0);
    public final TopicPartition p1 = new TopicPartition(jobsTopic, 1);
    public final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    public final MockProducer<String, byte[]> producer;
    public final FakeEngine engine;
    public final SlotControl slot;
    public final Path stateDir;
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public final JobExecutor executor;
    public final JobLoop loop;
    public final FakeHistory history = new FakeHistory();
    /** What the loop reports for the status: owned partitions and waiting jobs. */
    public final WorkerStats stats = new WorkerStats();
    /** The job thread's stats (decode rate: set one with {@code jobDone(0, rate)} before a rerun). */
    public final WorkerStats jobStats = new WorkerStats();
    private final Map<TopicPartition, Long> ends = new HashMap<>();
    private boolean loopAlive = true;

    public LoopFixture(Path tmp, FakeEngine engine, boolean autoAck) {
        this(tmp, engine, autoAck, 0);
    }

    /** @param autoCacheAfter as {@code NPUFLEET_AUTO_CACHE_AFTER}: 0 = automatic caches off */
    public LoopFixture(Path tmp, FakeEngine engine, boolean autoAck, int autoCacheAfter) {
        this(tmp, engine, autoAck, autoCacheAfter, RerunMode.AUTO);
    }

    /** @param rerun as {@code NPUFLEET_RERUN} */
    public LoopFixture(Path tmp, FakeEngine engine, boolean autoAck, int autoCacheAfter, RerunMode rerun) {
        this(tmp, engine, autoAck, autoCacheAfter, rerun, Duration.ofMillis(10));
    }

    /** @param lagInterval how often the loop asks the broker for the partitions' end offsets */
    public LoopFixture(Path tmp, FakeEngine engine, boolean autoAck, int autoCacheAfter, RerunMode rerun,
            Duration lagInterval) {
        this.engine = engine;
        this.stateDir = tmp;
        this.producer = new MockProducer<>(autoAck, null, new StringSerializer(), new ByteArraySerializer());
        WorkerMetrics metrics = new WorkerMetrics(registry, "w1", MODEL);
        KafkaEventSink sink = new KafkaEventSink(producer, metrics, new BrokerLink("w1"));
        this.slot = new SlotControl(engine::abort, 100);
        CacheStore store = CacheStore.open(tmp.resolve("caches"), 1 << 20, Clock.systemUTC());
        CacheDefinitionView view = new CacheDefinitionView(MODEL, store, Clock.systemUTC(),
                () -> CompletableFuture.completedFuture(null));
        PromptCaches caches = new PromptCaches(store, engine);
        ChatTemplate template = ChatTemplate.named("chatml");
        JobServices services = new JobServices(new IdentityConfig("w1", MODEL, 1.0, tmp),
                new JobServices.Output(sink, new DeadLetters(sink, topics.dlq(), "w1"), history, new PoisonMarker(tmp)),
                new JobServices.Prompting(engine, caches,
                        new AutoCaches(caches, template, autoCacheAfter, Duration.ofMinutes(10), Clock.systemUTC()),
                        view, template),
                new JobServices.Tracking(slot, metrics, jobStats, Clock.systemUTC()),
                new JobServices.Limits(64, 3, Duration.ofMillis(100), rerun, REPLAY_MAX));
        this.executor = new JobExecutor(services);
        this.loop = new JobLoop(consumer, executor, new JobLoop.Settings(jobsTopic, Duration.ofMillis(5),
                Duration.ofMillis(300), lagInterval, Duration.ofSeconds(2), Duration.ofSeconds(1)), stats, metrics);
    }

    /** Subscribes and gets both partitions, as after the first rebalance. */
    public LoopFixture assigned() {
        return assignedWithBacklog(0);
    }

    /**
     * As {@link #assigned()}, but partition 0 already held {@code existing} records when it became this
     * worker's (another worker may have run them): put them there with {@link #offerAt}.
     */
    public LoopFixture assignedWithBacklog(long existing) {
        loop.runOnce();
        consumer.updateBeginningOffsets(Map.of(p0, 0L, p1, 0L));
        ends.put(p0, existing);
        ends.put(p1, 0L);
        consumer.updateEndOffsets(ends);
        consumer.rebalance(List.of(p0, p1));
        return this;
    }

    /** Puts a record at {@code offset} of partition 0, below its end (see {@link #assignedWithBacklog}). */
    public void offerAt(long offset, Job job) {
        consumer.addRecord(new ConsumerRecord<>(jobsTopic, 0, offset, job.id(), JsonCodec.encode(job)));
    }

    /** Appends a record to partition 0; returns its offset. */
    public long offer(Job job) {
        return offer(0, job.id(), JsonCodec.encode(job));
    }

    public long offer(int partition, String key, byte[] value) {
        TopicPartition tp = new TopicPartition(jobsTopic, partition);
        long offset = ends.getOrDefault(tp, 0L);
        consumer.addRecord(new ConsumerRecord<>(jobsTopic, partition, offset, key, value));
        ends.put(tp, offset + 1);
        consumer.updateEndOffsets(ends);
        return offset;
    }

    /** Turns the loop until {@code condition} holds (fails after 5 s). */
    public void spinUntil(BooleanSupplier condition) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).pollInSameThread().until(() -> {
            if (loopAlive) {
                loopAlive = loop.runOnce();
            }
            return condition.getAsBoolean();
        });
    }

    public boolean loopAlive() {
        return loopAlive;
    }

    /** The committed next offset of a partition, or -1. */
    public long committed(TopicPartition tp) {
        OffsetAndMetadata m = consumer.committed(java.util.Set.of(tp)).get(tp);
        return m == null ? -1 : m.offset();
    }

    public List<Event> events(String jobId) {
        return producer.history().stream()
                .filter(r -> r.topic().equals(REPLIES) && jobId.equals(r.key()))
                .map(r -> JsonCodec.decode(r.value(), Event.class)).toList();
    }

    public Event last(String jobId) {
        List<Event> events = events(jobId);
        return events.isEmpty() ? null : events.get(events.size() - 1);
    }

    public boolean ended(String jobId) {
        Event last = last(jobId);
        return last != null && last.type().isTerminal();
    }

    public String text(String jobId) {
        StringBuilder sb = new StringBuilder();
        events(jobId).stream().filter(e -> e.type() == EventType.CHUNK).forEach(e -> sb.append(e.text()));
        return sb.toString();
    }

    public List<DeadLetter> deadLetters() {
        return producer.history().stream().filter(r -> r.topic().equals(topics.dlq()))
                .map(ProducerRecord::value).map(v -> JsonCodec.decode(v, DeadLetter.class)).toList();
    }

    public double counter(String name, String outcome) {
        var c = registry.find(name).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        engine.release();
        executor.close(2000);
    }
}
