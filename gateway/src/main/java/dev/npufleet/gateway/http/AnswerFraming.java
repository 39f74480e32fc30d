package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.api.CompletionFormat;
import dev.npufleet.gateway.api.HopReport;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.ToolCall;
import java.nio.ByteBuffer;

/**
 * How one generation request's answer goes on the wire: OpenAI's SSE chunks and objects, or Ollama's NDJSON lines
 * and objects. The exchanges ({@link StreamingExchange}, {@link UnaryExchange}) own the job's life (dedup, deadline,
 * hang-ups, the answer split into reasoning, content and tool calls, the end decided once); a framing only turns
 * those parts and the job's end into bytes, so every API shares one generation path. Immutable; called by the
 * exchange's threads.
 */
interface AnswerFraming {
    /** The streamed response's content type. */
    String streamContentType();

    /** Frames that open a stream, before its first text (OpenAI's role chunk); may be empty. */
    ByteBuffer[] opening();

    /** Answer text, ending at code point {@code offset} of the job's output. */
    ByteBuffer content(String text, long offset);

    /** Reasoning (thinking) text, ending at code point {@code offset} of the job's output. */
    ByteBuffer reasoning(String text, long offset);

    /** A whole tool call, the {@code index}-th of the answer. */
    ByteBuffer toolCall(int index, ToolCall call, long offset);

    /**
     * A stream's last frames.
     *
     * @param finishReason the client's finish reason (tool calls counted)
     * @param elapsedNanos from the request's arrival to the job's end, as the gateway measured it
     */
    ByteBuffer[] finish(Event finish, String finishReason, long offset, long elapsedNanos);

    /**
     * The frame that carries a finished stream's hops to a client that asked ({@code X-Npufleet-Timing}), put just
     * before the last frame of {@link #finish}; null where the framing has none (then the client gets none).
     */
    default ByteBuffer timing(HopReport report, long offset) {
        return null;
    }

    /** A stream's last frames when the job failed after the stream started. */
    ByteBuffer[] error(ApiError error);

    /** What keeps a silent stream open (and tells a client that went away by a failing write). */
    ByteBuffer keepAlive();

    /** The whole JSON answer of a request that did not stream. */
    byte[] whole(CompletionFormat.Answer answer, String finishReason, Event finish, long elapsedNanos);
}
