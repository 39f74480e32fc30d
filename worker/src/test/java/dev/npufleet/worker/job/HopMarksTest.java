package dev.npufleet.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Hops;
import dev.npufleet.protocol.Timings;
import dev.npufleet.protocol.Usage;
import dev.npufleet.worker.metrics.WorkerMetrics;
import dev.npufleet.worker.testing.ManualSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HopMarksTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ManualSink sink = new ManualSink();
    private final ChunkPublisher chunks = new ChunkPublisher(sink, "replies", "job-1", "w1", 1);

    @Test
    void shouldStampTheFinishWithEveryHopOnceTheFirstChunkIsAcknowledged() {
        // Given a job polled, started, with a first token and a first chunk in flight
        HopMarks marks = new HopMarks(System.nanoTime(), new WorkerMetrics(registry, "w1", "m"));
        chunks.measure(marks);
        marks.slotStarted();
        marks.firstToken();
        chunks.append("Hi", 1);

        // When the chunk is acknowledged and the job finishes
        sink.ack(0);
        chunks.finish(finish(new Timings(0, 0, 1, 1, 1, 1, 2)));

        // Then the FINISH carries all four hops, in the order of their marks, and the histograms got them
        Hops hops = sink.events().get(1).timings().hops();
        assertThat(hops).isNotNull();
        assertThat(hops.waitMs()).isNotNull().isGreaterThanOrEqualTo(0);
        assertThat(hops.firstTokenMs()).isNotNull().isGreaterThanOrEqualTo(0);
        assertThat(hops.chunkMs()).isNotNull().isGreaterThanOrEqualTo(0);
        assertThat(hops.chunkAckMs()).isNotNull().isGreaterThanOrEqualTo(0);
        assertThat(registry.get("npufleet.worker.hop").tag("hop", "chunk_ack").timer().count()).isEqualTo(1);
        assertThat(registry.get("npufleet.worker.hop").tag("hop", "wait").timer().totalTime(TimeUnit.NANOSECONDS))
                .isEqualTo(Math.round(hops.waitMs() * 1e6));
    }

    @Test
    void shouldLeaveTheTokenHopsOutOfAJobThatGeneratedNothing() {
        HopMarks marks = new HopMarks(System.nanoTime(), new WorkerMetrics(registry, "w1", "m"));
        chunks.measure(marks);
        marks.slotStarted();

        chunks.finish(finish(new Timings(0, 0, 1, 1, 1, 1, 2)));

        Hops hops = sink.events().get(0).timings().hops();
        assertThat(hops.waitMs()).isNotNull();
        assertThat(hops.firstTokenMs()).isNull();
        assertThat(hops.chunkMs()).isNull();
        assertThat(registry.get("npufleet.worker.hop").tag("hop", "first_token").timer().count()).isZero();
    }

    @Test
    void shouldSendAFinishWithoutTimingsOrWithoutARuntimeRunAsItIs() {
        HopMarks marks = new HopMarks(System.nanoTime(), new WorkerMetrics(registry, "w1", "m"));
        chunks.measure(marks);

        chunks.finish(finish(new Timings(0, 0, 1, 1, 1, 1, 2)));

        assertThat(sink.events().get(0).timings().hops()).isNull();
        assertThat(registry.get("npufleet.worker.hop").tag("hop", "wait").timer().count()).isZero();
    }

    private static Event finish(Timings timings) {
        return Event.finish("job-1", "w1", 1, 2, "stop", Usage.of(1, 1, 0), timings, null);
    }
}
