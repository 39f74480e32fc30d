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
        // Given a job sent 0.5 ms after arrival and acknowledged 1 ms later, its first chunk here 9 ms after the
        // send, written 0.25 ms after that
        clock.jobSent(100 * MS + MS / 2);
        clock.jobAcked(101 * MS + MS / 2);
        clock.chunkReceived(1, 109 * MS + MS / 2);
        clock.firstWrite(109 * MS + 3 * MS / 4);

        // When the worker's FINISH says it spent 0.5 + 5 + 0.5 ms from its poll to sending that chunk
        HopReport report = clock.finish(finish(1, new Hops(0.5, 5.0, 0.5, 1.25)), 130 * MS);

        // Then Kafka's share is the rest of the 9 ms, and the parts add up to the time to the first byte
        assertThat(report.hops()).extracting(HopReport.Hop::name).containsExactly("publish", "kafka", "wait",
                "first_token", "chunk", "first_chunk", "relay", "ttfb", "total", "accept", "chunk_ack");
        assertThat(report.get("publish")).hasValue(0.5);
        assertThat(report.get("accept")).hasValue(1.5);
        assertThat(report.get("chunk_ack")).hasValue(1.25);
        assertThat(report.get("kafka")).hasValue(3.0);
        assertThat(report.get("first_chunk")).hasValue(9.5);
        assertThat(report.get("relay")).hasValue(0.25);
        assertThat(report.get("ttfb")).hasValue(9.75);
        assertThat(report.get("total")).hasValue(30.0);
        assertThat(metrics.scrape()).contains("gateway_hop_seconds_count{hop=\"kafka\",model=\"m\"} 1");
    }

    @Test
    void shouldReportOnlyTheGatewaysHopsForAnOldWorkersFinish() {
        clock.jobSent(100 * MS + MS / 2);
        clock.jobAcked(101 * MS);
        clock.chunkReceived(1, 105 * MS);

        HopReport report = clock.finish(finish(1, null), 110 * MS);

        assertThat(report.hops()).extracting(HopReport.Hop::name)
                .containsExactly("publish", "first_chunk", "total", "accept");
    }

    @Test
    void shouldSplitKafkaFromTheSendEvenWhenTheAcknowledgementCameAfterTheFinish() {
        // the producer's I/O thread ran the acknowledgement's callback late, on a loaded machine
        clock.jobSent(101 * MS);
        clock.chunkReceived(1, 110 * MS);

        HopReport report = clock.finish(finish(1, new Hops(1.0, 2.0, 0.5, 0.2)), 120 * MS);

        assertThat(report.get("kafka")).hasValue(5.5);
        assertThat(report.get("accept")).isEmpty();
    }

    @Test
    void shouldNotSplitKafkaWhenTheFirstChunkCameFromAnotherAttempt() {
        clock.jobSent(101 * MS);
        clock.chunkReceived(1, 110 * MS);

        HopReport report = clock.finish(finish(2, new Hops(0.5, 1.0, 0.1, 0.2)), 120 * MS);

        assertThat(report.get("kafka")).isEmpty();
        assertThat(report.get("wait")).hasValue(0.5);
    }

    @Test
    void shouldNeverReportANegativeKafkaShare() {
        // the worker's part longer than the gateway's whole span: clocks at different rates; not trusted
        clock.jobSent(108 * MS);
        clock.chunkReceived(1, 110 * MS);

        HopReport report = clock.finish(finish(1, new Hops(0.5, 2.0, 0.1, 0.2)), 120 * MS);

        assertThat(report.get("kafka")).isEmpty();
        assertThat(report.get("publish")).hasValue(8.0);
    }

    @Test
    void shouldKeepTheFirstMarkOfEach() {
        clock.jobSent(100 * MS + MS / 2);
        clock.jobSent(149 * MS);
        clock.jobAcked(101 * MS);
        clock.jobAcked(150 * MS);
        clock.chunkReceived(1, 104 * MS);
        clock.chunkReceived(1, 140 * MS);

        HopReport report = clock.finish(finish(1, null), 160 * MS);

        assertThat(report.get("publish")).hasValue(0.5);
        assertThat(report.get("accept")).hasValue(1.0);
        assertThat(report.get("first_chunk")).hasValue(4.0);
    }

    private static Event finish(int attempt, Hops hops) {
        return Event.finish("019ac6f0-0000-7000-8000-000000000000", "w1", attempt, 3, "stop", Usage.of(1, 1, 0),
                new Timings(0, 0, 1, 1, 1, 1, 2, hops), null);
    }
}
