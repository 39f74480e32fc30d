package dev.npufleet.gateway;

import dev.npufleet.gateway.config.GatewayKafka;
import dev.npufleet.gateway.config.HttpConfig;
import dev.npufleet.gateway.fleet.CacheView;
import dev.npufleet.gateway.fleet.FleetView;
import dev.npufleet.gateway.fleet.ModelCatalog;
import dev.npufleet.gateway.http.ExchangeServices;
import dev.npufleet.gateway.http.GatewayHandler;
import dev.npufleet.gateway.http.GatewayServices;
import dev.npufleet.gateway.http.HttpServerFactory;
import dev.npufleet.gateway.jobs.PendingJobs;
import dev.npufleet.gateway.kafka.BrokerStatus;
import dev.npufleet.gateway.kafka.EventConsumerLoop;
import dev.npufleet.gateway.kafka.KafkaBatchStore;
import dev.npufleet.gateway.kafka.KafkaBus;
import dev.npufleet.gateway.kafka.KafkaFileStore;
import dev.npufleet.gateway.kafka.KafkaJobLog;
import dev.npufleet.gateway.kafka.LookupConsumers;
import dev.npufleet.gateway.kafka.StateConsumerLoop;
import dev.npufleet.gateway.kafka.TopicMaintainer;
import dev.npufleet.gateway.metrics.GatewayMetrics;
import dev.npufleet.gateway.routing.FleetRouter;
import dev.npufleet.gateway.tracing.GatewayTracing;
import dev.npufleet.protocol.tracing.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the HTTP server and its Kafka side (job producer, events reader, state reader,
 * topic maintainer). Starts whether or not the broker is reachable: {@code /health} tells, job
 * requests get 503 until it is. Thread-safe; {@link #close()} is idempotent.
 *
 * <p>Threads: Jetty's pool (HTTP, never blocked per stream), {@code gateway-events} (owns the
 * events consumer), {@code gateway-state} (caches and workers topics), {@code gateway-admin}
 * (topic creation, broker health), {@code gateway-timers} (request deadlines),
 * {@code gateway-cancels} (cancel sends), {@code gateway-lookup-N} (reading jobs' events, files and
 * batches back for asynchronous jobs and batches), plus the Kafka producer's own I/O thread.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final Server server;
    private final List<AutoCloseable> kafkaSide;
    private final ScheduledThreadPoolExecutor timers;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final int port;

    private Gateway(Server server, List<AutoCloseable> kafkaSide, ScheduledThreadPoolExecutor timers, int port) {
        this.server = server;
        this.kafkaSide = kafkaSide;
        this.timers = timers;
        this.port = port;
    }

    /**
     * Starts a gateway and returns once it listens.
     *
     * @throws IllegalStateException when the HTTP port cannot be bound
     */
    public static Gateway start(GatewayConfig config) {
        return start(config, Telemetry.off());
    }

    /**
     * Starts a gateway that traces through {@code telemetry} (its owner closes it, after the gateway).
     *
     * @throws IllegalStateException when the HTTP port cannot be bound
     */
    public static Gateway start(GatewayConfig config, Telemetry telemetry) {
        LOG.info("starting gateway: {}", config.describe());
        GatewayKafka kafka = config.kafka();
        GatewayMetrics metrics = new GatewayMetrics();
        PendingJobs pending = new PendingJobs();
        CacheView caches = new CacheView();
        FleetView fleet = new FleetView(config.fleet().workerStaleAfter());
        BrokerStatus broker = new BrokerStatus();
        KafkaBus bus = new KafkaBus(kafka, metrics);
        EventConsumerLoop events = new EventConsumerLoop(kafka, pending);
        StateConsumerLoop state = new StateConsumerLoop(kafka, caches, fleet);
        TopicMaintainer topics = new TopicMaintainer(kafka, config.fleet().models(), broker);
        LookupConsumers lookups = new LookupConsumers(kafka);
        ScheduledThreadPoolExecutor timers = timerThread();
        FleetRouter router = new FleetRouter(config.routing(), fleet, metrics, System::currentTimeMillis);
        gauges(metrics, router, pending, broker);
        QueuedThreadPool pool = new QueuedThreadPool(64, 4);
        pool.setName("gateway-http");
        ExchangeServices exchanges = new ExchangeServices(pending, timers, bus, metrics, config.requests().timeout(),
                config.http().sseKeepAlive(), router);
        GatewayServices services = new GatewayServices(kafka.gatewayId(), config.requests(), config.tenancy(),
                kafka.topics(),
                exchanges, bus, new ModelCatalog(config.fleet().models(), fleet), caches, fleet, router, broker,
                events::isReady, pool, new KafkaJobLog(kafka.topics().events(), kafka.timeout(), lookups),
                new KafkaFileStore(bus, lookups, kafka.topics().files(), kafka.timeout()),
                new KafkaBatchStore(bus, lookups, kafka.topics().batches(), kafka.timeout()));
        // order matters on close: HTTP first (its failing requests queue cancels), then the readers,
        // then the producer, which sends the queued cancels before it closes; the meters last
        List<AutoCloseable> kafkaSide = new ArrayList<>(List.of(events, state, topics, lookups, bus, metrics));
        Server server = HttpServerFactory.create(config.http(), pool, new GatewayHandler(services, new GatewayTracing(telemetry)));
        startServer(server, config.http(), kafkaSide, timers);
        events.start();
        state.start();
        topics.start();
        int port = HttpServerFactory.localPort(server);
        LOG.info("gateway {} listening on port {}", kafka.gatewayId(), port);
        return new Gateway(server, kafkaSide, timers, port);
    }

    private static void gauges(GatewayMetrics metrics, FleetRouter router, PendingJobs pending, BrokerStatus broker) {
        metrics.gauge("gateway.routing.in.flight", "jobs this gateway sent to a board and still waits on",
                router::inFlightJobs);
        metrics.gauge("gateway.jobs.pending", "requests waiting on a job", pending::size);
        metrics.gauge("gateway.jobs.followers", "resumed streams following a job's events live", pending::followers);
        metrics.gauge("gateway.broker.up", "1 when the last broker check succeeded",
                () -> broker.state() == BrokerStatus.State.UP ? 1 : 0);
    }

    private static void startServer(Server server, HttpConfig http, List<AutoCloseable> kafkaSide,
            ScheduledThreadPoolExecutor timers) {
        try {
            server.start();
        } catch (Exception e) {
            closeAll(kafkaSide);
            timers.shutdownNow();
            throw new IllegalStateException("cannot start HTTP on " + http.host() + ":" + http.port(), e);
        }
    }

    /** One thread for every request's deadline and keep-alive: each task only queues async work. */
    private static ScheduledThreadPoolExecutor timerThread() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "gateway-timers");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true); // most deadlines are cancelled; do not keep them queued
        return timers;
    }

    /** The HTTP port (the bound one, when the config asked for 0). */
    public int port() {
        return port;
    }

    /** Blocks until {@link #close()} has run. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /** Stops HTTP (open requests are failed, their jobs cancelled), then the Kafka side. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed.getCount() == 0) {
                return;
            }
            try {
                server.stop();
            } catch (Exception e) {
                LOG.warn("stopping HTTP failed", e);
            }
            closeAll(kafkaSide);
            timers.shutdownNow();
            try {
                timers.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closed.countDown();
        }
        LOG.info("gateway stopped");
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", resource.getClass().getSimpleName(), e);
            }
        }
    }
}
