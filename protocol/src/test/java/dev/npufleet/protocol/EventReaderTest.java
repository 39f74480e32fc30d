package dev.npufleet.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The streaming reader must give exactly what the general codec gives, for every event and every bad record. */
class EventReaderTest {
    private static final String ID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

    private static Event roundTrip(Event event) {
        byte[] json = JsonCodec.encode(event);
        Event read = EventReader.read(json);
        assertThat(read).isEqualTo(JsonCodec.decode(json, Event.class)).isEqualTo(event);
        return read;
    }

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldReadChunksOnTheStreamingPath() {
        Event chunk = Event.chunk(ID, "board-1", 2, 17, "Hi \"there\"\n\t\\ \u0001 é \uD83D\uDE00", 5);

        assertThat(EventReader.readPlain(JsonCodec.encode(chunk))).isEqualTo(chunk);
        roundTrip(chunk);
        roundTrip(Event.chunk(ID, "board-1", 1, 0, "x"));
        roundTrip(Event.started(ID, "board-2", 1, null, true));
        roundTrip(Event.started(ID, "board-2", 1, null, false));
    }

    @Test
    void shouldReadEveryOtherEventAsTheCodecDoes() {
        Timings timings = new Timings(3, 0, 1.5, 2.5, 30.0, 600.0, 40);
        roundTrip(Event.started(ID, "board-1", 1, timings, true));
        roundTrip(Event.finish(ID, "board-1", 1, 32, "length", Usage.of(20, 32, 0), timings, null));
        roundTrip(Event.error(ID, "board-1", 1, ErrorInfo.of(ErrorCode.INTERNAL, "boom")));
        roundTrip(Event.embedded(ID, "board-1", 1, List.of("AAAA", "AACA"), Usage.of(4, 0, 0), timings));
        roundTrip(Event.accepted(ID, new JobAccepted("chat", "m", null, null, 1L, 0L, "owner")));
    }

    @Test
    void shouldMatchTheCodecOnRandomText() {
        Random random = new Random(7);
        for (int i = 0; i < 1_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int j = random.nextInt(10); j > 0; j--) {
                text.appendCodePoint(random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10FFFF));
            }
            roundTrip(Event.chunk(ID, "b", 1 + random.nextInt(3), random.nextInt(1_000_000), text.toString(),
                    random.nextBoolean() ? null : random.nextInt(5000)));
        }
    }

    @Test
    void shouldKeepAFieldItDoesNotKnowByReadingThroughTheCodec() {
        byte[] json = utf8("{\"v\":1,\"job_id\":\"" + ID + "\",\"type\":\"CHUNK\",\"seq\":3,\"text\":\"a\","
                + "\"hops\":{\"x\":1},\"timestamp\":9}");

        assertThat(EventReader.readPlain(json)).isNull();
        assertThat(EventReader.read(json)).isEqualTo(JsonCodec.decode(json, Event.class));
    }

    @Test
    void shouldReadValuesOfAnotherShapeAsTheCodecDoes() {
        byte[] json = utf8("{\"v\":1,\"job_id\":\"" + ID + "\",\"type\":\"CHUNK\",\"seq\":\"3\",\"text\":\"a\"}");

        assertThat(EventReader.readPlain(json)).isNull();
        assertThat(EventReader.read(json).seq()).isEqualTo(3);
    }

    @Test
    void shouldRejectBadRecordsAsTheCodecDoes() {
        for (String bad : List.of("", "[]", "{", "not json", "{\"v\":1,\"type\":\"CHUNK\"}",
                "{\"v\":1,\"job_id\":\"j\",\"type\":\"NOPE\"}", "{\"job_id\":\"j\",\"type\":\"CHUNK\",\"seq\":-1}",
                "{\"job_id\":\"j\",\"type\":\"CHUNK\"} trailing")) {
            byte[] json = utf8(bad);
            assertThat(EventReader.readPlain(json)).as(bad).isNull();
            Throwable expected = catchThrowable(json);
            if (expected == null) {
                assertThat(EventReader.read(json)).as(bad).isEqualTo(JsonCodec.decode(json, Event.class));
            } else {
                assertThatThrownBy(() -> EventReader.read(json)).as(bad).isInstanceOf(ProtocolException.class)
                        .hasMessage(expected.getMessage());
            }
        }
        assertThatThrownBy(() -> EventReader.read(null)).isInstanceOf(ProtocolException.class);
    }

    private static Throwable catchThrowable(byte[] json) {
        try {
            JsonCodec.decode(json, Event.class);
            return null;
        } catch (ProtocolException e) {
            return e;
        }
    }
}
