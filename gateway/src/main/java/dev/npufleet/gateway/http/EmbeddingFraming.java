package dev.npufleet.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.api.CompletionFormat;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.ToolCall;
import java.nio.ByteBuffer;
import java.util.function.BiFunction;

/**
 * The answer of an embedding job: one JSON object built from its FINISH (OpenAI's or Ollama's shape). An embedding
 * is never streamed, so the stream frames are never asked for. Immutable; any thread.
 *
 * @param body the answer from the FINISH event and the elapsed nanoseconds
 */
record EmbeddingFraming(BiFunction<Event, Long, JsonNode> body) implements AnswerFraming {
    @Override
    public String streamContentType() {
        throw new UnsupportedOperationException("an embedding is not streamed");
    }

    @Override
    public ByteBuffer[] opening() {
        throw new UnsupportedOperationException("an embedding is not streamed");
    }

    @Override
    public ByteBuffer content(String text, long offset) {
        throw new UnsupportedOperationException("an embedding is not streamed");
    }

    @Override
    public ByteBuffer reasoning(String text, long offset) {
        throw new UnsupportedOperationException("an embedding is not streamed");
    }

    @Override
    public ByteBuffer toolCall(int index, ToolCall call, long offset) {
        throw new UnsupportedOperationException("an embedding is not streamed");
    }

    @Override
    public ByteBuffer[] finish(Event finish, String finishReason, long offset, long elapsedNanos) {
        throw new UnsupportedOperationException("an embedding is not streamed");
    }

    @Override
    public ByteBuffer[] error(ApiError error) {
        throw new UnsupportedOperationException("an embedding is not streamed");
    }

    @Override
    public ByteBuffer keepAlive() {
        throw new UnsupportedOperationException("an embedding is not streamed");
    }

    @Override
    public byte[] whole(CompletionFormat.Answer answer, String finishReason, Event finish, long elapsedNanos) {
        return JsonCodec.encode(body.apply(finish, elapsedNanos));
    }
}
