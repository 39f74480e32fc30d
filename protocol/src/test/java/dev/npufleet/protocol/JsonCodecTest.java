package dev.npufleet.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonCodecTest {

    private static Job chatJob() {
        var params = new GenerationParams(64, 0.0, null, null, 42L, List.of("\n\n"), null, null, null);
        return new Job(Protocol.VERSION, JobIds.newId(), "qwen3-0.6b", JobKind.CHAT,
                List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi 👋")), null, null, params,
                "npu.events", 1_700_000_000_000L, 0);
    }

    @Test
    void shouldRoundTripAJobWithSnakeCaseNames() {
        Job job = chatJob();

        byte[] json = JsonCodec.encode(job);

        assertThat(new String(json, StandardCharsets.UTF_8))
                .contains("\"reply_to\":\"npu.events\"", "\"max_tokens\":64", "\"created_at\":")
                .doesNotContain("\"prompt\"");
        assertThat(JsonCodec.decode(json, Job.class)).isEqualTo(job);
    }

    @Test
    void shouldIgnoreFieldsANewerWriterAdded() {
        String json = "{\"v\":2,\"id\":\"" + JobIds.newId() + "\",\"model\":\"m\",\"kind\":\"COMPLETION\","
                + "\"prompt\":\"hello\",\"reply_to\":\"r\",\"priority\":\"high\",\"created_at\":1}";

        Job job = JsonCodec.decode(json.getBytes(StandardCharsets.UTF_8), Job.class);

        assertThat(job.prompt()).isEqualTo("hello");
        assertThat(job.params()).isEqualTo(GenerationParams.defaults());
    }

    @Test
    void shouldRejectMalformedJsonWithAReason() {
        assertThatThrownBy(() -> JsonCodec.decode("{\"id\":".getBytes(StandardCharsets.UTF_8), Job.class))
                .isInstanceOf(ProtocolException.class)
                .hasMessageStartingWith("not a valid Job");
    }

    @Test
    void shouldRejectAJobMissingItsKind() {
        String json = "{\"id\":\"x\",\"model\":\"m\",\"reply_to\":\"r\"}";

        assertThatThrownBy(() -> JsonCodec.decode(json.getBytes(StandardCharsets.UTF_8), Job.class))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("kind");
    }

    @Test
    void shouldRoundTripEveryEventType() {
        var usage = Usage.of(100, 20, 90);
        var timings = new Timings(3, 0, 12.5, 14.0, 33.0, 640.0, 700);
        List<Event> events = List.of(
                Event.started("j", "board-1", 1, timings),
                Event.chunk("j", "board-1", 1, 5, "héllo"),
                Event.finish("j", "board-1", 1, 10, "stop", usage, timings, null),
                Event.error("j", "board-1", 2, ErrorInfo.of(ErrorCode.RUNTIME_ERROR, "NPU lost")));

        for (Event e : events) {
            assertThat(JsonCodec.decode(JsonCodec.encode(e), Event.class)).isEqualTo(e);
        }
        assertThat(usage.cacheHit()).isTrue();
        assertThat(usage.totalTokens()).isEqualTo(120);
    }

    @Test
    void shouldRoundTripAnAcceptedEventAndLeaveItsFieldsOutOfWorkerEvents() {
        Event accepted = Event.accepted("j", new JobAccepted("/v1/chat/completions", "m", "coding",
                Map.of("team", "search"), 1_700_000_000_000L, 1_700_086_400_000L));

        String json = JsonCodec.encodeToString(accepted);

        assertThat(json).contains("\"type\":\"ACCEPTED\"", "\"endpoint\":\"/v1/chat/completions\"",
                "\"metadata\":{\"team\":\"search\"}", "\"created_at\":1700000000000");
        assertThat(JsonCodec.decode(json.getBytes(StandardCharsets.UTF_8), Event.class)).isEqualTo(accepted);
        assertThat(JsonCodec.encodeToString(Event.chunk("j", "w", 1, 0, "x"))).doesNotContain("accepted");
    }

    @Test
    void shouldReadAnEventWrittenBeforeAcceptedExisted() {
        String json = "{\"v\":1,\"job_id\":\"j\",\"type\":\"CHUNK\",\"seq\":3,\"worker\":\"w\",\"attempt\":1,"
                + "\"text\":\"abc\",\"timestamp\":5}";

        Event event = JsonCodec.decode(json.getBytes(StandardCharsets.UTF_8), Event.class);

        assertThat(event.accepted()).isNull();
        assertThat(event.text()).isEqualTo("abc");
    }

    @Test
    void shouldCountChunkLengthInCodePoints() {
        assertThat(Event.chunk("j", "w", 1, 0, "a👋中").length()).isEqualTo(3);
    }

    @Test
    void shouldRoundTripWorkerStatusAndCacheDefinition() {
        var status = new WorkerStatus(1, "board-1", "m", "simulator", "1.3.0", WorkerStatus.State.BUSY, List.of(0, 2),
                List.of(new WorkerStatus.CacheHolding("coding", "r1", 1024, 3, 5)), 4, "job", 640, 33, 1.0, 10,
                1000, 1, 2);
        var def = new CacheDefinition("m", "coding", "r1", null, List.of(ChatMessage.system("You write code.")),
                true, 0, 7);

        assertThat(JsonCodec.decode(JsonCodec.encode(status), WorkerStatus.class)).isEqualTo(status);
        assertThat(JsonCodec.decode(JsonCodec.encode(def), CacheDefinition.class)).isEqualTo(def);
    }
}
