package dev.npufleet.worker;

import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.Topics;
import dev.npufleet.protocol.WorkerStatus;
import dev.npufleet.protocol.kafka.TopicSetup;
import dev.npufleet.protocol.tracing.Telemetry;
import dev.npufleet.worker.cache.AutoCaches;
import dev.npufleet.worker.cache.CacheDefinitionView;
import dev.npufleet.worker.cache.CacheStore;
import dev.npufleet.worker.cache.CacheSweeper;
import dev.npufleet.worker.config.CacheConfig;
import dev.npufleet.worker.config.IdentityConfig;
import dev.npufleet.worker.config.LoopConfig;
import dev.npufleet.worker.cache.PromptCaches;
import dev.npufleet.worker.engine.Engines;
import dev.npufleet.worker.engine.InferenceEngine;
import dev.npufleet.worker.job.DeadLetters;
import dev.npufleet.worker.job.JobExecutor;
import dev.npufleet.worker.job.JobServices;
import dev.npufleet.worker.job.PoisonMarker;
import dev.npufleet.worker.job.ReplyTopics;
import dev.npufleet.worker.job.SlotControl;
import dev.npufleet.worker.kafka.AdminTopicLookup;
import dev.npufleet.worker.kafka.BrokerLink;
import dev.npufleet.worker.kafka.CatchUpRequests;
import dev.npufleet.worker.kafka.JobLoop;
import dev.npufleet.worker.kafka.KafkaClients;
import dev.npufleet.worker.kafka.KafkaEventSink;
import dev.npufleet.worker.kafka.KafkaJobHistory;
import dev.npufleet.worker.kafka.LaneArbiter;
import dev.npufleet.worker.kafka.SideChannelLoop;
import dev.npufleet.worker.metrics.MetricsServer;
import dev.npufleet.worker.metrics.WorkerMetrics;
import dev.npufleet.worker.prompt.ChatTemplate;
import dev.npufleet.worker.status.StatusPublisher;
import dev.npufleet.worker.status.WorkerStats;
import dev.npufleet.worker.tracing.WorkerTracing;
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
 * (a job loop per lane sharing the NPU slot, control/caches consumer, status heartbeat, metrics server), and takes them
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
    private final IdentityConfig id;
    private final KafkaClients clients;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicBoolean cleaned = new AtomicBoolean();
    // State changes a router cares about publish the status early (rate-limited), not only on the heartbeat.
    private final Runnable stateChanged = this::requestStatus;
    private final WorkerStats stats = new WorkerStats(stateChanged);
    /** The background lane's loop reports its partitions and waiting jobs here; the rest stays in {@link #stats}. */
    private final WorkerStats backgroundStats = new WorkerStats(stateChanged);
    private final long startedAt = System.currentTimeMillis();
    private final BrokerLink link;
    private final WorkerTracing tracing;
    private InferenceEngine engine;
    private ChatTemplate template;
    private CacheStore store;
    private SlotControl slot;
    private volatile JobLoop loop;
    private volatile JobLoop backgroundLoop;
    private SideChannelLoop side;
    private volatile StatusPublisher status;
    private Thread loopThread;
    private Thread backgroundThread;

    private Worker(WorkerConfig config, Telemetry telemetry) {
        this.config = config;
        this.tracing = new WorkerTracing(telemetry, config.identity().workerId());
        this.id = config.identity();
        this.clients = new KafkaClients(config.kafka(), id.workerId(), id.model(), config.loop());
        this.link = new BrokerLink(id.workerId());
    }

    /** Starts a worker on the RKLLM runtime (or simulator) that {@code config} names. */
    public static Worker start(WorkerConfig config) {
        return start(config, Telemetry.off());
    }

    /** As {@link #start(WorkerConfig)}, tracing through {@code telemetry} (its owner closes it, after the worker). */
    public static Worker start(WorkerConfig config, Telemetry telemetry) {
        return start(config, c -> Engines.open(c.runtime(), c.identity().stateDir()), telemetry);
    }

    /**
     * Starts a worker on the engine {@code engines} opens (tests and embedders).
     *
     * @throws dev.npufleet.worker.engine.NpuLostException when the engine cannot be opened
     * @throws RuntimeException when Kafka or the state directory is unusable
     */
    public static Worker start(WorkerConfig config, Function<WorkerConfig, InferenceEngine> engines) {
        return start(config, engines, Telemetry.off());
    }

    /** As {@link #start(WorkerConfig, Function)}, tracing through {@code telemetry}. */
    public static Worker start(WorkerConfig config, Function<WorkerConfig, InferenceEngine> engines,
            Telemetry telemetry) {
        Worker w = new Worker(config, telemetry);
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
        LOG.atInfo().addKeyValue("board", id.workerId()).log("Starting worker: {}", config.describe());
        Topics topics = config.kafka().topics();
        ensureTopics(topics);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        resources.push(registry::close);
        resources.push(WorkerMetrics.bindJvm(registry));
        WorkerMetrics metrics = new WorkerMetrics(registry, id.workerId(), id.model());
        engine = engines.apply(config);
        resources.push(engine);
        openCaches();
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(clients.producer());
        resources.push(() -> producer.close(CLIENT_CLOSE));
        KafkaEventSink sink = new KafkaEventSink(producer, metrics, link);
        slot = new SlotControl(engine::abort, 10_000, stateChanged);
        CatchUpRequests catchUp = new CatchUpRequests();
        CacheDefinitionView view = new CacheDefinitionView(id.model(), store, Clock.systemUTC(), catchUp::request);
        startSideChannel(topics, view, catchUp);
        AdminTopicLookup topicLookup = new AdminTopicLookup(Admin.create(clients.admin()), HISTORY_TIMEOUT);
        resources.push(topicLookup);
        JobExecutor executor = new JobExecutor(jobServices(topics, sink, view, metrics), new ReplyTopics(topicLookup),
                tracing);
        resources.push(() -> executor.close(ABORT_GRACE.toMillis()));
        startLoops(topics, executor, metrics);
        metrics.gauges(() -> queueDepth() + backgroundStats.waiting(), () -> slot.currentJobId() == null ? 0 : 1,
                store::totalBytes);
        metrics.brokerGauge(() -> link.isUp() ? 1 : 0);
        startStatus(topics, sink, registry);
        if (side.failure() != null) {
            throw new IllegalStateException("the control/caches consumer failed during start-up", side.failure());
        }
        loopThread = new Thread(this::runLoop, "npu-jobs-" + id.workerId());
        backgroundThread = new Thread(this::runBackgroundLoop, "npu-bg-" + id.workerId());
        backgroundThread.start();
        loopThread.start();
        LOG.atInfo().addKeyValue("board", id.workerId()).addKeyValue("model", id.model())
                .log("Worker started: runtime {} (ABI {}), jobs from {} (interactive) and {} (background, 1 in {})",
                        engine.identity().runtime(), engine.identity().abi(), topics.jobs(id.model()),
                        topics.background(id.model()), config.jobs().backgroundShare() + 1);
    }

    /** A loop per lane, each with its own consumer and thread, sharing the one slot through the arbiter. */
    private void startLoops(Topics topics, JobExecutor executor, WorkerMetrics metrics) {
        LaneArbiter arbiter = new LaneArbiter(config.jobs().backgroundShare());
        KafkaConsumer<String, byte[]> interactive = new KafkaConsumer<>(clients.jobConsumer());
        KafkaConsumer<String, byte[]> background = new KafkaConsumer<>(clients.backgroundConsumer());
        loop = new JobLoop(interactive, executor, loopSettings(topics.jobs(id.model())), stats, metrics,
                arbiter.gate(LaneArbiter.Lane.INTERACTIVE, interactive::wakeup));
        backgroundLoop = new JobLoop(background, executor, loopSettings(topics.background(id.model())),
                backgroundStats, metrics, arbiter.gate(LaneArbiter.Lane.BACKGROUND, background::wakeup));
    }

    private JobLoop.Settings loopSettings(String topic) {
        return new JobLoop.Settings(topic, Duration.ofSeconds(1), config.loop().drainTimeout(),
                config.loop().heartbeat(), ABORT_GRACE, CLIENT_CLOSE);
    }

    /** The cache store, and its time-to-live sweep on the heartbeat's cadence. */
    private void openCaches() {
        CacheConfig c = config.cache();
        store = CacheStore.open(c.dir(), c.maxBytes(), c.autoMax(), Clock.systemUTC(), stateChanged);
        resources.push(CacheSweeper.start(store, id.workerId(), config.loop().heartbeat()));
    }

    private JobServices jobServices(Topics topics, KafkaEventSink sink, CacheDefinitionView view,
            WorkerMetrics metrics) {
        PromptCaches caches = new PromptCaches(store, engine);
        template = ChatTemplate.named(config.runtime().chatTemplate());
        CacheConfig c = config.cache();
        AutoCaches autoCaches = new AutoCaches(caches, template, c.autoAfter(), c.autoWindow(), Clock.systemUTC());
        KafkaJobHistory history = new KafkaJobHistory(() -> new KafkaConsumer<>(clients.historyConsumer()),
                HISTORY_TIMEOUT);
        resources.push(history::close); // after the job thread, its only user, has stopped
        return new JobServices(id,
                new JobServices.Output(sink, new DeadLetters(sink, topics.dlq(), id.workerId()), history,
                        new PoisonMarker(id.stateDir())),
                new JobServices.Prompting(engine, caches, autoCaches, view, template),
                new JobServices.Tracking(slot, metrics, stats, Clock.systemUTC()),
                new JobServices.Limits(config.runtime().maxNewTokens(), config.jobs().maxAttempts(), c.lookupWait(),
                        config.jobs().rerun(), config.jobs().replayMax()));
    }

    private void startStatus(Topics topics, KafkaEventSink sink, PrometheusMeterRegistry registry) {
        LoopConfig l = config.loop();
        status = new StatusPublisher(sink, topics.workers(), id.workerId(), this::status, l.statusMinInterval());
        status.start(l.heartbeat());
        resources.push(status);
        if (l.metricsPort() > 0) {
            resources.push(MetricsServer.start(l.metricsPort(), registry, this::healthy));
        }
    }

    private void ensureTopics(Topics topics) {
        TopicSetup d = TopicSetup.defaults(topics);
        try (Admin admin = Admin.create(clients.admin())) {
            new TopicSetup(topics, config.jobs().partitions(), d.eventPartitions(), d.replicationFactor(),
                    d.jobRetention(), d.eventRetention()).ensure(admin, List.of(id.model()), Duration.ofSeconds(30));
        }
    }

    private void startSideChannel(Topics topics, CacheDefinitionView view, CatchUpRequests catchUp) {
        side = new SideChannelLoop(new KafkaConsumer<>(clients.sideConsumer()), topics, slot::cancel, view,
                catchUp, Duration.ofSeconds(1), config.jobs().cancelLookback(), error -> {
                    if (loop != null) {
                        loop.requestClose();
                    }
                });
        Thread t = new Thread(side, "npu-side-" + id.workerId());
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
            stopBackgroundLoop();
            closeResources();
            terminated.countDown();
            LOG.atInfo().addKeyValue("board", id.workerId()).log("Worker stopped{}",
                    failure() == null ? "" : " after a failure: " + failure());
        }
    }

    /** The background lane's thread: when its loop ends by itself (a failure), the worker stops. */
    private void runBackgroundLoop() {
        backgroundLoop.run();
        loop.requestClose();
    }

    private void stopBackgroundLoop() {
        backgroundLoop.requestClose();
        try {
            if (!backgroundLoop.awaitClosed(config.loop().drainTimeout().plus(ABORT_GRACE).plus(CLIENT_CLOSE))) {
                LOG.atWarn().log("The background lane's loop did not close in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        JobLoop.State loopState = loop.state();
        String current = slot.currentJobId();
        WorkerStatus.State state = loopState != JobLoop.State.RUNNING || backgroundLoop.state() != JobLoop.State.RUNNING
                ? WorkerStatus.State.DRAINING
                : current != null ? WorkerStatus.State.BUSY : WorkerStatus.State.IDLE;
        List<WorkerStatus.CacheHolding> caches = store.entries().stream()
                .map(m -> new WorkerStatus.CacheHolding(m.name(), m.revision(), m.sizeBytes(), m.hits(), m.lastUsedAt()))
                .toList();
        return new WorkerStatus(Protocol.VERSION, id.workerId(), id.model(), engine.identity().runtime(),
                engine.identity().abi(), state, stats.partitions(), caches, queueDepth(), current,
                stats.prefillTokensPerSecond(), stats.decodeTokensPerSecond(), id.capacity(), stats.jobsDone(),
                config.loop().heartbeat().toMillis(), startedAt, System.currentTimeMillis(),
                new WorkerStatus.Serving(engine.maxContext(), config.runtime().maxNewTokens(), engine.maxBytesPerToken(),
                        template.id()), backgroundStats.partitions(), backgroundStats.waiting());
    }

    private void requestStatus() {
        StatusPublisher publisher = status;
        if (publisher != null) {
            publisher.requestPublish();
        }
    }

    /** What an interactive job sent here waits behind: its lane's queue and the running job (of either lane). */
    private long queueDepth() {
        return stats.waiting() + (slot.currentJobId() == null ? 0 : 1);
    }

    private boolean healthy() {
        return loop.state() == JobLoop.State.RUNNING && backgroundLoop.state() == JobLoop.State.RUNNING
                && side.failure() == null;
    }

    public String workerId() {
        return id.workerId();
    }

    /** Whether the worker's records reach the broker (see {@link BrokerLink}). Any thread. */
    public BrokerLink brokerLink() {
        return link;
    }

    /** Waits until the worker has stopped (closed, or failed: see {@link #failure()}). */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /** Why the worker stopped by itself (a lost NPU, a Kafka failure), or null. */
    public Throwable failure() {
        Throwable f = loop == null ? null : loop.failure();
        f = f != null || backgroundLoop == null ? f : backgroundLoop.failure();
        return f != null ? f : side == null ? null : side.failure();
    }

    /** Drains the running job (or aborts it after the drain timeout), commits, leaves the group, and stops. */
    @Override
    public void close() {
        if (loop != null) {
            backgroundLoop.requestClose(); // both lanes drain at once
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
