package dev.npufleet.worker.metrics;

import dev.npufleet.protocol.Hops;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * {@code npufleet_worker_hop_seconds{hop}}: Prometheus histograms of a job's hops on the worker ({@code wait}: polled
 * to slot started; {@code first_token}: slot started to the runtime's first token; {@code chunk}: first token to the
 * first chunk sent; {@code chunk_ack}: first chunk sent to its acknowledgement), with the worker's {@code board} and
 * {@code model} tags, buckets from 50 µs to 1 min so that {@code histogram_quantile} gives p50 and p99 of each.
 * Thread-safe; the timers are built once.
 */
final class HopTimers {

    private final Timer waitHop;
    private final Timer firstToken;
    private final Timer chunk;
    private final Timer chunkAck;

    HopTimers(MeterRegistry registry, Tags tags) {
        this.waitHop = timer(registry, tags, "wait");
        this.firstToken = timer(registry, tags, "first_token");
        this.chunk = timer(registry, tags, "chunk");
        this.chunkAck = timer(registry, tags, "chunk_ack");
    }

    private static Timer timer(MeterRegistry registry, Tags tags, String hop) {
        return Timer.builder("npufleet.worker.hop").description("A job's hops to its first chunk, on the worker's clock")
                .tags(tags).tag("hop", hop).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000)).maximumExpectedValue(Duration.ofMinutes(1))
                .register(registry);
    }

    void record(Hops hops) {
        record(waitHop, hops.waitMs());
        record(firstToken, hops.firstTokenMs());
        record(chunk, hops.chunkMs());
        record(chunkAck, hops.chunkAckMs());
    }

    private static void record(Timer timer, Double millis) {
        if (millis != null) {
            timer.record(Duration.ofNanos(Math.round(millis * 1_000_000)));
        }
    }
}
