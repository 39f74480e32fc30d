package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.gateway.api.HopReport;
import dev.npufleet.gateway.metrics.GatewayMetrics;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Hops;
import dev.npufleet.protocol.Timings;
import dev.npufleet.protocol.Usage;
import org.junit.jupiter.api.Test;

class HopClockTest {

    private static final long MS = 1_000_000;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final HopClock clock = new HopClock(100 * MS, true, metrics, "m");

    @Test
    void shouldSplitTheTimeToTheFirstByteIntoHopsThatAddUp() {
        // Given a job acknowledged 0.5 ms after arrival, its first chunk here 9 ms later, written 0.25 ms after that
        clock.jobAcked(100 * MS + MS / 2);
        clock.chunkReceived(1, 109 * MS + MS / 2);
        clock.firstWrite(109 * MS + 3 * MS / 4);

        // When the worker's FINISH says it spent 0.5 + 5 + 0.5 ms from its poll to sending that chunk
        HopReport report = clock.finish(finish(1, new Hops(0.5, 5.0, 0.5, 1.25)), 130 * MS);

        // Then Kafka's share is the rest of the 9 ms, and the parts add up to the time to the first byte
        assertThat(report.hops()).extracting(HopReport.Hop::name).containsExactly("accept", "kafka", "wait",
                "first_token", "chunk", "chunk_ack", "first_chunk", "relay", "ttfb", "total");
        assertThat(report.get("accept")).hasValue(0.5);
        assertThat(report.get("kafka")).hasValue(3.0);
        assertThat(report.get("first_chunk")).hasValue(9.5);
        assertThat(report.get("relay")).hasValue(0.25);
        assertThat(report.get("ttfb")).hasValue(9.75);
        assertThat(report.get("total")).hasValue(30.0);
        assertThat(metrics.scrape()).contains("gateway_hop_seconds_count{hop=\"kafka\",model=\"m\"} 1");
    }

    @Test
    void shouldReportOnlyTheGatewaysHopsForAnOldWorkersFinish() {
        clock.jobAcked(101 * MS);
        clock.chunkReceived(1, 105 * MS);

        HopReport report = clock.finish(finish(1, null), 110 * MS);

        assertThat(report.hops()).extracting(HopReport.Hop::name)
                .containsExactly("accept", "first_chunk", "total");
    }

    @Test
    void shouldNotSplitKafkaWhenTheFirstChunkCameFromAnotherAttempt() {
        clock.jobAcked(101 * MS);
        clock.chunkReceived(1, 110 * MS);

        HopReport report = clock.finish(finish(2, new Hops(0.5, 1.0, 0.1, 0.2)), 120 * MS);

        assertThat(report.get("kafka")).isEmpty();
        assertThat(report.get("wait")).hasValue(0.5);
    }

    @Test
    void shouldNotReportANegativeKafkaShareWhenTheAcknowledgementCameLate() {
        // the producer's callback ran after the worker had polled the job: the span is shorter than the worker's part
        clock.jobAcked(108 * MS);
        clock.chunkReceived(1, 110 * MS);

        HopReport report = clock.finish(finish(1, new Hops(0.5, 2.0, 0.1, 0.2)), 120 * MS);

        assertThat(report.get("kafka")).isEmpty();
        assertThat(report.get("accept")).hasValue(8.0);
    }

    @Test
    void shouldKeepTheFirstMarkOfEach() {
        clock.jobAcked(101 * MS);
        clock.jobAcked(150 * MS);
        clock.chunkReceived(1, 104 * MS);
        clock.chunkReceived(1, 140 * MS);

        HopReport report = clock.finish(finish(1, null), 160 * MS);

        assertThat(report.get("accept")).hasValue(1.0);
        assertThat(report.get("first_chunk")).hasValue(4.0);
    }

    private static Event finish(int attempt, Hops hops) {
        return Event.finish("019ac6f0-0000-7000-8000-000000000000", "w1", attempt, 3, "stop", Usage.of(1, 1, 0),
                new Timings(0, 0, 1, 1, 1, 1, 2, hops), null);
    }
}
