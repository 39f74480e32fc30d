package dev.npufleet.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The gateway's meters, scraped in Prometheus' text format from {@code /metrics}. Names as scraped:
 * <ul>
 *   <li>{@code gateway_http_requests_total{endpoint,status}}: answered requests</li>
 *   <li>{@code gateway_ttft_seconds{model}}: request arrival to the first text written to a stream</li>
 *   <li>{@code gateway_job_duration_seconds{model,outcome}}: request arrival to the job's end
 *       ({@code finished}, {@code failed}, {@code cut}, {@code timeout}, {@code client_gone}, {@code unavailable})</li>
 *   <li>{@code gateway_streams_open}: SSE streams being written</li>
 *   <li>{@code gateway_tokens_relayed_total{model}}: completion tokens of finished jobs;
 *       {@code gateway_chunks_relayed_total}: text chunks written to clients</li>
 *   <li>{@code gateway_kafka_produce_seconds{record,outcome}}: send to broker acknowledgement</li>
 *   <li>{@code gateway_events_duplicates_total{kind}}: re-sent chunks {@code dropped} whole or {@code trimmed}</li>
 *   <li>{@code gateway_events_gaps_total}: chunks that came after a hole in their answer (held back, never
 *       written; the job's re-run fills the hole); {@code gateway_answers_cut_total}: answers that ended with
 *       a hole still open (the client got an {@code answer_incomplete} error instead of the rest)</li>
 *   <li>{@code gateway_routing_decisions_total{policy,reason}}: where jobs were sent and why (see
 *       {@code RouteReason})</li>
 *   <li>{@code gateway_routing_in_flight}: jobs this gateway sent to a board and is still waiting on</li>
 *   <li>{@code gateway_hop_seconds{model,hop}}: a request's hops on the gateway's clock ({@code publish}: arrival
 *       to the job handed to the producer; {@code accept}: arrival to the job's acknowledgement; {@code first_chunk}:
 *       arrival to its first chunk received; {@code relay}: first chunk received to its text written; {@code kafka}:
 *       Kafka both ways and the job's wait in its partition, the gateway's job-sent to first-chunk span less the
 *       worker's polled to first-chunk-sent span)</li>
 *   <li>{@code gateway_jobs_pending}, {@code gateway_jobs_followers}, {@code gateway_broker_up}</li>
 *   <li>the JVM's: {@code jvm_gc_pause_seconds{action,cause}} (each collection's pause), {@code jvm_memory_*},
 *       {@code jvm_threads_*}, {@code process_cpu_usage}, {@code system_cpu_count}</li>
 * </ul>
 * Thread-safe; hot paths use meters built once. {@link #close()} stops listening to the collector.
 */
public final class GatewayMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final AtomicInteger openStreams = new AtomicInteger();
    private final Counter chunksRelayed;
    private final Counter duplicatesDropped;
    private final Counter duplicatesTrimmed;
    private final Counter gaps;
    private final Counter answersCut;
    private final RecentJobs recent = new RecentJobs();
    private final Map<String, Map<String, Counter>> decisions = new ConcurrentHashMap<>();

    public GatewayMetrics() {
        gc.bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Gauge.builder("gateway.streams.open", openStreams, AtomicInteger::get)
                .description("SSE streams being written").register(registry);
        chunksRelayed = Counter.builder("gateway.chunks.relayed").description("text chunks written to clients")
                .register(registry);
        duplicatesDropped = duplicates("dropped");
        duplicatesTrimmed = duplicates("trimmed");
        gaps = Counter.builder("gateway.events.gaps")
                .description("chunks after a hole in their answer, held back until a re-run fills it").register(registry);
        answersCut = Counter.builder("gateway.answers.cut")
                .description("answers ended with an answer_incomplete error: a hole no re-run filled").register(registry);
    }

    private Counter duplicates(String kind) {
        return Counter.builder("gateway.events.duplicates").tag("kind", kind)
                .description("re-sent chunks (a worker re-ran a job) dropped or trimmed").register(registry);
    }

    /** Registers a gauge read at scrape time (pending jobs, broker state). */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public void request(String endpoint, int status) {
        Counter.builder("gateway.http.requests").tag("endpoint", endpoint).tag("status", Integer.toString(status))
                .register(registry).increment();
    }

    public void ttft(String model, long nanos) {
        Timer.builder("gateway.ttft").tag("model", model).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(1))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One hop of one request (see the class comment for the names). */
    public void hop(String model, String hop, long nanos) {
        Timer.builder("gateway.hop").tag("model", model).tag("hop", hop).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000)).maximumExpectedValue(Duration.ofMinutes(1))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void jobEnded(String model, String outcome, long nanos) {
        Timer.builder("gateway.job.duration").tag("model", model).tag("outcome", outcome)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void routingDecision(String policy, String reason) {
        // looked up once per (policy, reason): a builder and a registry lookup per request cost more than the count
        decisions.computeIfAbsent(policy, p -> new ConcurrentHashMap<>()).computeIfAbsent(reason, r -> Counter
                .builder("gateway.routing.decisions").tag("policy", policy).tag("reason", reason)
                .description("routing decisions by policy and reason").register(registry)).increment();
    }

    public void produced(String record, boolean ok, long nanos) {
        Timer.builder("gateway.kafka.produce").tag("record", record).tag("outcome", ok ? "ok" : "error")
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void streamOpened() {
        openStreams.incrementAndGet();
    }

    public void streamClosed() {
        openStreams.decrementAndGet();
    }

    public int openStreams() {
        return openStreams.get();
    }

    public void chunkRelayed() {
        chunksRelayed.increment();
    }

    public void tokensRelayed(String model, int tokens) {
        if (tokens > 0) {
            Counter.builder("gateway.tokens.relayed").tag("model", model).register(registry).increment(tokens);
        }
    }

    public void duplicates(long dropped, long trimmed) {
        if (dropped > 0) {
            duplicatesDropped.increment(dropped);
        }
        if (trimmed > 0) {
            duplicatesTrimmed.increment(trimmed);
        }
    }

    public void gap() {
        gaps.increment();
    }

    public void answerCut() {
        answersCut.increment();
    }

    /** The last jobs' board timings per model, for the fleet page. */
    public RecentJobs recent() {
        return recent;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gc.close();
    }
}
