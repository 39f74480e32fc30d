package dev.npufleet.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Reads {@link Event} records, the one record a gateway decodes per relayed chunk. An event whose fields are all
 * plain values (a CHUNK, a STARTED: ids, numbers, text) is read with Jackson's streaming parser straight into the
 * record; anything else (an object or list valued field such as usage or an error, a field this reader does not
 * know, a value of an unexpected shape, bad JSON) is read by {@link JsonCodec#decode}, which gives the same record
 * or the same {@link ProtocolException}. So a field added to the protocol later is never dropped here: its events
 * take the general path until the field is added to this one. Stateless; any thread.
 */
public final class EventReader {
    private static final JsonFactory FACTORY = JsonCodec.mapper().getFactory();

    private EventReader() {
    }

    /** @throws ProtocolException as {@link JsonCodec#decode} does */
    public static Event read(byte[] bytes) {
        Event event = bytes == null ? null : readPlain(bytes);
        return event != null ? event : JsonCodec.decode(bytes, Event.class);
    }

    /** The event, or null when it is not made of plain values only (or is not valid). */
    static Event readPlain(byte[] bytes) {
        try (JsonParser p = FACTORY.createParser(bytes)) {
            Fields f = new Fields();
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t != JsonToken.FIELD_NAME) {
                    return null;
                }
                String name = p.currentName();
                if (!f.read(name, p.nextToken(), p)) {
                    return null;
                }
            }
            if (p.nextToken() != null) {
                return null;
            }
            return f.event();
        } catch (IOException | RuntimeException e) {
            return null; // the general path reads it again and reports what is wrong
        }
    }

    /** The plain fields of an event, as read so far. */
    private static final class Fields {
        int v;
        String jobId;
        EventType type;
        long seq;
        String worker;
        int attempt;
        String text;
        String finishReason;
        long timestamp;
        Integer tokens;
        Boolean opensThinking;

        /** @return false when the field is not a plain one of an event, or its value has another shape */
        boolean read(String name, JsonToken t, JsonParser p) throws IOException {
            boolean isNull = t == JsonToken.VALUE_NULL;
            boolean isInt = t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT;
            boolean isLong = isInt || t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.LONG;
            boolean isText = t == JsonToken.VALUE_STRING;
            switch (name) {
                case "v" -> v = isInt ? p.getIntValue() : fail();
                case "job_id" -> jobId = text(isText, isNull, p);
                case "type" -> type = isText ? EventType.valueOf(p.getText()) : fail();
                case "seq" -> seq = isLong ? p.getLongValue() : fail();
                case "worker" -> worker = text(isText, isNull, p);
                case "attempt" -> attempt = isInt ? p.getIntValue() : fail();
                case "text" -> text = text(isText, isNull, p);
                case "finish_reason" -> finishReason = text(isText, isNull, p);
                case "timestamp" -> timestamp = isLong ? p.getLongValue() : fail();
                case "tokens" -> tokens = isInt ? Integer.valueOf(p.getIntValue()) : isNull ? null : fail();
                case "opens_thinking" -> opensThinking = t == JsonToken.VALUE_TRUE ? Boolean.TRUE
                        : t == JsonToken.VALUE_FALSE ? Boolean.FALSE : isNull ? null : fail();
                default -> {
                    return false;
                }
            }
            return true;
        }

        private static String text(boolean isText, boolean isNull, JsonParser p) throws IOException {
            return isText ? p.getText() : isNull ? null : fail();
        }

        private static <T> T fail() {
            throw new IllegalArgumentException("not a plain event field");
        }

        Event event() {
            return new Event(v, jobId, type, seq, worker, attempt, text, finishReason, null, null, null, null,
                    timestamp, null, tokens, opensThinking, null);
        }
    }
}
