package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.api.CompletionFormat;
import dev.npufleet.gateway.ollama.OllamaFormat;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.ToolCall;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Ollama's framing: newline-delimited JSON objects, {@code done:false} per text (thinking in {@code thinking}, tool
 * calls in {@code message.tool_calls}), then the {@code done:true} object
 * with the statistics; a failure after the start is an {@code {"error":"..."}} line. A silent stream is kept open
 * with an object of empty text, which Ollama's clients append as nothing (they read every line as JSON, so a bare
 * newline would break them). Immutable; any thread.
 */
record OllamaFraming(OllamaFormat format) implements AnswerFraming {
    static final String NDJSON = "application/x-ndjson";

    @Override
    public String streamContentType() {
        return NDJSON;
    }

    @Override
    public ByteBuffer[] opening() {
        return new ByteBuffer[0];
    }

    @Override
    public ByteBuffer content(String text, long offset) {
        return line(format.chunk(text));
    }

    @Override
    public ByteBuffer reasoning(String text, long offset) {
        return line(format.thinking(text));
    }

    @Override
    public ByteBuffer toolCall(int index, ToolCall call, long offset) {
        return line(format.toolCall(call));
    }

    @Override
    public ByteBuffer[] finish(Event finish, String finishReason, long offset, long elapsedNanos) {
        return new ByteBuffer[] {line(format.last(new CompletionFormat.Answer("", "", List.of()), finishReason, finish,
                elapsedNanos))};
    }

    @Override
    public ByteBuffer[] error(ApiError error) {
        return new ByteBuffer[] {line(OllamaFormat.error(error.message()))};
    }

    @Override
    public ByteBuffer keepAlive() {
        return line(format.chunk(""));
    }

    @Override
    public byte[] whole(CompletionFormat.Answer answer, String finishReason, Event finish, long elapsedNanos) {
        return format.last(answer, finishReason, finish, elapsedNanos);
    }

    static ByteBuffer line(byte[] json) {
        ByteBuffer b = ByteBuffer.allocate(json.length + 1);
        b.put(json).put((byte) '\n');
        return b.flip();
    }
}
