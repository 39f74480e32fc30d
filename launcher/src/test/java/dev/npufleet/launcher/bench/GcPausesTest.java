package dev.npufleet.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GcPausesTest {

    @Test
    void shouldSumEveryCollectorsAndCausesPausesAndTakeTheDifferenceOfTwoReads() {
        // Given two scrapes of a process with a young and a full collector
        String before = """
                # HELP jvm_gc_pause_seconds Time spent in GC pause
                # TYPE jvm_gc_pause_seconds summary
                jvm_gc_pause_seconds_count{action="end of minor GC",cause="Allocation Failure",gc="Copy"} 3
                jvm_gc_pause_seconds_sum{action="end of minor GC",cause="Allocation Failure",gc="Copy"} 0.061
                jvm_gc_pause_seconds_count{action="end of major GC",cause="Metadata GC Threshold",gc="MarkSweepCompact"} 1
                jvm_gc_pause_seconds_sum{action="end of major GC",cause="Metadata GC Threshold",gc="MarkSweepCompact"} 0.118
                # HELP jvm_gc_pause_seconds_max Time spent in GC pause
                jvm_gc_pause_seconds_max{action="end of minor GC",cause="Allocation Failure",gc="Copy"} 0.05
                jvm_gc_overhead 0.01
                """;
        String after = before.replace("gc=\"Copy\"} 3", "gc=\"Copy\"} 5").replace("gc=\"Copy\"} 0.061",
                "gc=\"Copy\"} 0.0845");

        // When they are read
        GcPauses first = GcPauses.parse(before);
        GcPauses run = GcPauses.parse(after).since(first);

        // Then the sums cover both collectors (the max series is not a count), and the run shows its two pauses
        assertThat(first.count()).isEqualTo(4);
        assertThat(first.seconds()).isCloseTo(0.179, within(1e-9));
        assertThat(run.count()).isEqualTo(2);
        assertThat(run.seconds()).isCloseTo(0.0235, within(1e-9));
    }

    @Test
    void shouldReadNoPausesFromAProcessThatExportsNone() {
        assertThat(GcPauses.parse("gateway_streams_open 0.0\n")).isEqualTo(new GcPauses(0, 0));
    }
}
