package dev.npufleet.worker;

import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.Topics;
import dev.npufleet.protocol.WorkerStatus;
import dev.npufleet.protocol.kafka.TopicSetup;
import dev.npufleet.worker.cache.AutoCaches;
import dev.npufleet.worker.cache.CacheDefinitionView;
import dev.npufleet.worker.cache.CacheStore;
import dev.npufleet.worker.cache.PromptCaches;
import dev.npufleet.worker.engine.Engines;
import dev.npufleet.worker.engine.InferenceEngine;
import dev.npufleet.worker.job.DeadLetters;
import dev.npufleet.worker.job.JobExecutor;
import dev.npufleet.worker.job.JobServices;
import dev.npufleet.worker.job.PoisonMarker;
import dev.npufleet.worker.job.SlotControl;
import dev.npufleet.worker.kafka.CatchUpRequests;
import dev.npufleet.worker.kafka.JobLoop;
import dev.npufleet.worker.kafka.KafkaClients;
import dev.npufleet.worker.kafka.KafkaEventSink;
import dev.npufleet.worker.kafka.KafkaJobHistory;
import dev.npufleet.worker.kafka.SideChannelLoop;
import dev.npufleet.worker.metrics.MetricsServer;
import dev.npufleet.worker.metrics.WorkerMetrics;
import dev.npufleet.worker.prompt.ChatTemplate;
import dev.npufleet.worker.status.StatusPublisher;
import dev.npufleet.worker.status.WorkerStats;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One board's worker: wires the engine, the cache store, the Kafka clients and their threads
 * (job loop, NPU slot, control/caches consumer, status heartbeat, metrics server), and takes them
 * down in order. {@link #start} and {@link #close} may be called from any thread; close is
 * idempotent and drains the running job first (up to {@code NPUFLEET_DRAIN_TIMEOUT_MS}).
 */
public final class Worker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private static final Duration ABORT_GRACE = Duration.ofSeconds(5);
    private static final Duration CLIENT_CLOSE = Duration.ofSeconds(5);
    /** How long a look at a job's earlier events may wait for the broker before the job runs as new. */
    private static final Duration HISTORY_TIMEOUT = Duration.ofSeconds(5);

    private final WorkerConfig config;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicBoolean cleaned = new AtomicBoolean();
    // State changes a router cares about publish the status early (rate-limited), not only on the heartbeat.
    private final Runnable stateChanged = this::requestStatus;
    private final WorkerStats stats = new WorkerStats(stateChanged);
    private final long startedAt = System.currentTimeMillis();
    private InferenceEngine engine;
    private CacheStore store;
    private SlotControl slot;
    private volatile JobLoop loop;
    private SideChannelLoop side;
    private volatile StatusPublisher status;
    private Thread loopThread;

    private Worker(WorkerConfig config) {
        this.config = config;
    }

    /** Starts a worker on the RKLLM runtime (or simulator) that {@code config} names. */
    public static Worker start(WorkerConfig config) {
        return start(config, Engines::open);
    }

    /**
     * Starts a worker on the engine {@code engines} opens (tests and embedders).
     *
     * @throws dev.npufleet.worker.engine.NpuLostException when the engine cannot be opened
     * @throws RuntimeException when Kafka or the state directory is unusable
     */
    public static Worker start(WorkerConfig config, Function<WorkerConfig, InferenceEngine> engines) {
        Worker w = new Worker(config);
        try {
            w.startAll(engines);
            return w;
        } catch (RuntimeException | Error e) {
            w.closeResources();
            w.terminated.countDown();
            throw e;
        }
    }

    private void startAll(Function<WorkerConfig, InferenceEngine> engines) {
        LOG.atInfo().addKeyValue("board", config.workerId()).log("Starting worker: {}", config.describe());
        Topics topics = new Topics(config.topicPrefix());
        ensureTopics(topics);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        resources.push(registry::close);
        WorkerMetrics metrics = new WorkerMetrics(registry, config.workerId(), config.model());
        engine = engines.apply(config);
        resources.push(engine);
        store = CacheStore.open(config.cacheDir(), config.cacheMaxBytes(), config.autoCacheMax(), Clock.systemUTC(),
                stateChanged);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config));
        resources.push(() -> producer.close(CLIENT_CLOSE));
        KafkaEventSink sink = new KafkaEventSink(producer, metrics);
        slot = new SlotControl(engine::abort, 10_000, stateChanged);
        CatchUpRequests catchUp = new CatchUpRequests();
        CacheDefinitionView view = new CacheDefinitionView(config.model(), store, Clock.systemUTC(), catchUp::request);
        startSideChannel(topics, view, catchUp);
        PromptCaches caches = new PromptCaches(store, engine);
        ChatTemplate template = ChatTemplate.named(config.chatTemplate());
        AutoCaches autoCaches = new AutoCaches(caches, template, config.autoCacheAfter(), config.autoCacheWindow(),
                Clock.systemUTC());
        KafkaJobHistory history = new KafkaJobHistory(
                () -> new KafkaConsumer<>(KafkaClients.historyConsumer(config)), HISTORY_TIMEOUT);
        resources.push(history::close); // after the job thread, its only user, has stopped
        JobServices services = new JobServices(config.workerId(), config.model(), sink, engine, caches, autoCaches,
                view, template, slot,
                new PoisonMarker(config.stateDir()), new DeadLetters(sink, topics.dlq(), config.workerId()), metrics,
                stats, config.maxNewTokens(), config.maxAttempts(), config.cacheLookupWait(), Clock.systemUTC(),
                history, config.rerun());
        JobExecutor executor = new JobExecutor(services);
        resources.push(() -> executor.close(ABORT_GRACE.toMillis()));
        loop = new JobLoop(new KafkaConsumer<>(KafkaClients.jobConsumer(config)), executor,
                new JobLoop.Settings(topics.jobs(config.model()), Duration.ofSeconds(1), config.drainTimeout(),
                        config.heartbeat(), ABORT_GRACE, CLIENT_CLOSE), stats, metrics);
        metrics.gauges(() -> queueDepth(), () -> slot.currentJobId() == null ? 0 : 1, store::totalBytes);
        status = new StatusPublisher(sink, topics.workers(), config.workerId(), this::status,
                config.statusMinInterval());
        status.start(config.heartbeat());
        resources.push(status);
        if (config.metricsPort() > 0) {
            resources.push(MetricsServer.start(config.metricsPort(), registry, this::healthy));
        }
        if (side.failure() != null) {
            throw new IllegalStateException("the control/caches consumer failed during start-up", side.failure());
        }
        loopThread = new Thread(this::runLoop, "npu-jobs-" + config.workerId());
        loopThread.start();
        LOG.atInfo().addKeyValue("board", config.workerId()).addKeyValue("model", config.model())
                .log("Worker started: runtime {} (ABI {}), jobs from {}", engine.identity().runtime(),
                        engine.identity().abi(), topics.jobs(config.model()));
    }

    private void ensureTopics(Topics topics) {
        TopicSetup d = TopicSetup.defaults(topics);
        try (Admin admin = Admin.create(KafkaClients.admin(config))) {
            new TopicSetup(topics, config.jobPartitions(), d.eventPartitions(), d.replicationFactor(),
                    d.jobRetention(), d.eventRetention()).ensure(admin, List.of(config.model()), Duration.ofSeconds(30));
        }
    }

    private void startSideChannel(Topics topics, CacheDefinitionView view, CatchUpRequests catchUp) {
        side = new SideChannelLoop(new KafkaConsumer<>(KafkaClients.sideConsumer(config)), topics, slot::cancel, view,
                catchUp, Duration.ofSeconds(1), config.cancelLookback(), error -> {
                    if (loop != null) {
                        loop.requestClose();
                    }
                });
        Thread t = new Thread(side, "npu-side-" + config.workerId());
        t.setDaemon(true);
        t.start();
        resources.push(side);
        try {
            if (!side.awaitStarted(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the control/caches consumer did not start", side.failure());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        }
    }

    /** The loop thread: runs the job loop, then takes everything else down. */
    private void runLoop() {
        try {
            loop.run();
        } finally {
            closeResources();
            terminated.countDown();
            LOG.atInfo().addKeyValue("board", config.workerId()).log("Worker stopped{}",
                    failure() == null ? "" : " after a failure: " + failure());
        }
    }

    private void closeResources() {
        if (!cleaned.compareAndSet(false, true)) {
            return;
        }
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                LOG.atWarn().log("Error while closing: {}", e.toString());
            }
        }
    }

    /** The worker's status, as its heartbeat publishes it. Any thread. */
    public WorkerStatus status() {
        store.sweepExpired(); // the heartbeat doubles as the TTL sweeper
        JobLoop.State loopState = loop.state();
        String current = slot.currentJobId();
        WorkerStatus.State state = loopState != JobLoop.State.RUNNING ? WorkerStatus.State.DRAINING
                : current != null ? WorkerStatus.State.BUSY : WorkerStatus.State.IDLE;
        List<WorkerStatus.CacheHolding> caches = store.entries().stream()
                .map(m -> new WorkerStatus.CacheHolding(m.name(), m.revision(), m.sizeBytes(), m.hits(), m.lastUsedAt()))
                .toList();
        return new WorkerStatus(Protocol.VERSION, config.workerId(), config.model(), engine.identity().runtime(),
                engine.identity().abi(), state, stats.partitions(), caches, queueDepth(), current,
                stats.prefillTokensPerSecond(), stats.decodeTokensPerSecond(), config.capacity(), stats.jobsDone(),
                config.heartbeat().toMillis(), startedAt, System.currentTimeMillis());
    }

    private void requestStatus() {
        StatusPublisher publisher = status;
        if (publisher != null) {
            publisher.requestPublish();
        }
    }

    private long queueDepth() {
        return stats.waiting() + (slot.currentJobId() == null ? 0 : 1);
    }

    private boolean healthy() {
        return loop.state() == JobLoop.State.RUNNING && side.failure() == null;
    }

    public String workerId() {
        return config.workerId();
    }

    /** Waits until the worker has stopped (closed, or failed: see {@link #failure()}). */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /** Why the worker stopped by itself (a lost NPU, a Kafka failure), or null. */
    public Throwable failure() {
        Throwable f = loop == null ? null : loop.failure();
        return f != null ? f : side == null ? null : side.failure();
    }

    /** Drains the running job (or aborts it after the drain timeout), commits, leaves the group, and stops. */
    @Override
    public void close() {
        if (loop != null) {
            loop.requestClose();
            requestStatus(); // DRAINING: routers stop sending here at once
        }
        try {
            terminated.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
