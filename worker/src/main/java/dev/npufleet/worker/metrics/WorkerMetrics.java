package dev.npufleet.worker.metrics;

import dev.npufleet.protocol.Hops;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The worker's meters, named once here. Prometheus names (with tags {@code board}, {@code model}):
 * {@code npufleet_worker_jobs_total{outcome}}, {@code npufleet_worker_ttft_seconds},
 * {@code npufleet_worker_queue_wait_seconds}, {@code npufleet_worker_prefill_tokens_per_second},
 * {@code npufleet_worker_decode_tokens_per_second}, {@code npufleet_worker_prompt_tokens_total},
 * {@code npufleet_worker_completion_tokens_total}, {@code npufleet_worker_cache_hits_total},
 * {@code npufleet_worker_cache_misses_total}, {@code npufleet_worker_cache_builds_total},
 * {@code npufleet_worker_cache_build_seconds}, {@code npufleet_worker_kafka_ack_seconds} (send to
 * broker acknowledgement of the worker's records), {@code npufleet_worker_kafka_commit_seconds},
 * gauges {@code npufleet_worker_queue_depth}, {@code npufleet_worker_busy},
 * {@code npufleet_worker_cache_bytes}, {@code npufleet_worker_broker_up}, and the histogram
 * {@code npufleet_worker_hop_seconds{hop}} of each job's hops to its first chunk ({@link HopTimers}). Thread-safe.
 * The JVM's meters go beside them ({@link #bindJvm}).
 */
public final class WorkerMetrics {

    /**
     * Binds the JVM's meters to {@code registry}: {@code jvm_gc_pause_seconds{action,cause}} (each collection's
     * pause), {@code jvm_memory_*}, {@code jvm_threads_*}, {@code process_cpu_usage}, {@code system_cpu_count}.
     * @return what stops listening to the collector, to close with the registry
     */
    public static AutoCloseable bindJvm(MeterRegistry registry) {
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        return gc;
    }

    /**
     * How a job ended, as the {@code outcome} tag ({@code UNDELIVERED}: a chunk could not be published, so the
     * job was stopped and runs again).
     */
    public enum Outcome { FINISHED, CANCELLED, FAILED, EXPIRED, DEAD_LETTERED, ABANDONED, UNDELIVERED }

    private final MeterRegistry registry;
    private final Tags tags;
    private final Timer ttft;
    private final Timer queueWait;
    private final DistributionSummary prefillRate;
    private final DistributionSummary decodeRate;
    private final Counter promptTokens;
    private final Counter completionTokens;
    private final Counter cacheHits;
    private final Counter cacheMisses;
    private final Counter cacheBuilds;
    private final Timer cacheBuild;
    private final Timer kafkaAck;
    private final Timer kafkaCommit;
    private final HopTimers hops;

    public WorkerMetrics(MeterRegistry registry, String board, String model) {
        this.registry = registry;
        this.tags = Tags.of("board", board, "model", model);
        this.ttft = Timer.builder("npufleet.worker.ttft").description("Job start to first token")
                .publishPercentiles(0.5, 0.95).tags(tags).register(registry);
        this.queueWait = Timer.builder("npufleet.worker.queue.wait").description("Job creation to start on a board")
                .tags(tags).register(registry);
        this.prefillRate = DistributionSummary.builder("npufleet.worker.prefill.tokens.per.second")
                .description("Runtime prefill rate per job").tags(tags).register(registry);
        this.decodeRate = DistributionSummary.builder("npufleet.worker.decode.tokens.per.second")
                .description("Runtime decode rate per job").tags(tags).register(registry);
        this.promptTokens = Counter.builder("npufleet.worker.prompt.tokens").tags(tags).register(registry);
        this.completionTokens = Counter.builder("npufleet.worker.completion.tokens").tags(tags).register(registry);
        this.cacheHits = Counter.builder("npufleet.worker.cache.hits")
                .description("Jobs whose named cache saved prefill").tags(tags).register(registry);
        this.cacheMisses = Counter.builder("npufleet.worker.cache.misses")
                .description("Jobs whose named cache saved nothing").tags(tags).register(registry);
        this.cacheBuilds = Counter.builder("npufleet.worker.cache.builds").tags(tags).register(registry);
        this.cacheBuild = Timer.builder("npufleet.worker.cache.build").tags(tags).register(registry);
        this.kafkaAck = Timer.builder("npufleet.worker.kafka.ack")
                .description("Produce to broker acknowledgement").tags(tags).register(registry);
        this.kafkaCommit = Timer.builder("npufleet.worker.kafka.commit").tags(tags).register(registry);
        this.hops = new HopTimers(registry, tags);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Registers the gauges that read live state. */
    public void gauges(Supplier<Number> queueDepth, Supplier<Number> busy, Supplier<Number> cacheBytes) {
        Gauge.builder("npufleet.worker.queue.depth", queueDepth).tags(tags).register(registry);
        Gauge.builder("npufleet.worker.busy", busy).tags(tags).register(registry);
        Gauge.builder("npufleet.worker.cache.bytes", cacheBytes).baseUnit("bytes").tags(tags).register(registry);
    }

    /** {@code npufleet_worker_broker_up}: 1 while the worker's records reach the broker, 0 during an outage. */
    public void brokerGauge(Supplier<Number> up) {
        Gauge.builder("npufleet.worker.broker.up", up).tags(tags).register(registry);
    }

    public void job(Outcome outcome) {
        registry.counter("npufleet.worker.jobs", tags.and("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT)))
                .increment();
    }

    public void ttft(double millis) {
        ttft.record(Duration.ofNanos((long) (millis * 1_000_000)));
    }

    public void queueWait(long millis) {
        queueWait.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    public void rates(double prefillTokensPerSecond, double decodeTokensPerSecond) {
        if (prefillTokensPerSecond > 0) {
            prefillRate.record(prefillTokensPerSecond);
        }
        if (decodeTokensPerSecond > 0) {
            decodeRate.record(decodeTokensPerSecond);
        }
    }

    public void tokens(int prompt, int completion) {
        promptTokens.increment(Math.max(0, prompt));
        completionTokens.increment(Math.max(0, completion));
    }

    public void cacheUse(boolean hit) {
        (hit ? cacheHits : cacheMisses).increment();
    }

    public void cacheBuilt(long millis) {
        cacheBuilds.increment();
        cacheBuild.record(millis, TimeUnit.MILLISECONDS);
    }

    public void kafkaAck(long nanos) {
        kafkaAck.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A job's hops to its first chunk, one histogram sample per measured hop. */
    public void hops(Hops measured) {
        hops.record(measured);
    }

    public void kafkaCommit(long nanos) {
        kafkaCommit.record(nanos, TimeUnit.NANOSECONDS);
    }
}
