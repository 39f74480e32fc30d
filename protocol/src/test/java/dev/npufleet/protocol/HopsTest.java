package dev.npufleet.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HopsTest {

    @Test
    void shouldMeasureEachHopBetweenConsecutiveMarksToTheMicrosecond() {
        Hops hops = Hops.fromNanos(1_000_000, 1_250_400, 4_250_400, 4_300_000, 5_300_000);

        assertThat(hops.waitMs()).isEqualTo(0.25);
        assertThat(hops.firstTokenMs()).isEqualTo(3.0);
        assertThat(hops.chunkMs()).isEqualTo(0.05);
        assertThat(hops.chunkAckMs()).isEqualTo(1.0);
        assertThat(hops.toFirstChunkMs()).isEqualTo(3.3);
    }

    @Test
    void shouldLeaveHopsAfterAMissingMarkOut() {
        Hops noToken = Hops.fromNanos(1_000_000, 2_000_000, 0, 0, 0);

        assertThat(noToken.waitMs()).isEqualTo(1.0);
        assertThat(noToken.firstTokenMs()).isNull();
        assertThat(noToken.chunkMs()).isNull();
        assertThat(noToken.chunkAckMs()).isNull();
        assertThat(noToken.toFirstChunkMs()).isNull();
    }

    @Test
    void shouldNeverReportAHopWhoseMarksAreOutOfOrder() {
        assertThat(Hops.fromNanos(5_000_000, 4_000_000, 6_000_000, 0, 0).waitMs()).isNull();
    }

    @Test
    void shouldRejectNegativeOrNonFiniteDurations() {
        assertThatThrownBy(() -> new Hops(-0.1, null, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wait_ms");
        assertThatThrownBy(() -> new Hops(null, Double.NaN, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("first_token_ms");
    }

    @Test
    void shouldTravelInTheFinishTimingsWithSnakeCaseNames() {
        Timings timings = new Timings(3, 0, 2.5, 3.1, 40, 300, 90).withHops(new Hops(0.2, 3.0, 0.05, null));
        Event finish = Event.finish("019ac6f0-0000-7000-8000-000000000000", "board-1", 1, 12, "stop",
                Usage.of(4, 8, 0), timings, null);

        String json = JsonCodec.encodeToString(finish);

        assertThat(json).contains("\"hops\":{\"wait_ms\":0.2,\"first_token_ms\":3.0,\"chunk_ms\":0.05}");
        assertThat(JsonCodec.decode(json.getBytes(StandardCharsets.UTF_8), Event.class).timings().hops())
                .isEqualTo(timings.hops());
    }

    @Test
    void shouldReadAnOldWorkersTimingsWithoutHops() {
        String json = "{\"v\":1,\"job_id\":\"j\",\"type\":\"FINISH\",\"seq\":3,\"attempt\":1,"
                + "\"timings\":{\"queue_ms\":1,\"cache_build_ms\":0,\"prefill_ms\":2.0,\"ttft_ms\":2.5,"
                + "\"decode_tokens_per_second\":9.0,\"prefill_tokens_per_second\":8.0,\"total_ms\":7},\"timestamp\":1}";

        Event event = JsonCodec.decode(json.getBytes(StandardCharsets.UTF_8), Event.class);

        assertThat(event.timings().ttftMs()).isEqualTo(2.5);
        assertThat(event.timings().hops()).isNull();
    }

    @Test
    void shouldIgnoreHopsANewerWorkerAdds() {
        String json = "{\"wait_ms\":0.5,\"first_token_ms\":1.0,\"chunk_ms\":0.1,\"chunk_ack_ms\":0.7,\"decode_ms\":3}";

        Hops hops = JsonCodec.decode(json.getBytes(StandardCharsets.UTF_8), Hops.class);

        assertThat(hops).isEqualTo(new Hops(0.5, 1.0, 0.1, 0.7));
    }
}
