package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.api.ChunkFrames;
import dev.npufleet.gateway.api.CompletionFormat;
import dev.npufleet.gateway.api.HopReport;
import dev.npufleet.gateway.api.SseFrames;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.ToolCall;
import java.nio.ByteBuffer;

/**
 * OpenAI's framing: {@code chat.completion.chunk} / {@code text_completion} SSE events ended by {@code [DONE]},
 * with the usage chunk {@code stream_options.include_usage} asks for; the whole object when not streamed.
 * Text and reasoning chunks, one per relayed chunk, come from {@link ChunkFrames} prepared for the request.
 * Immutable; any thread.
 */
record OpenAiFraming(CompletionFormat format, boolean includeUsage, ChunkFrames chunks) implements AnswerFraming {
    OpenAiFraming(CompletionFormat format, boolean includeUsage) {
        this(format, includeUsage, ChunkFrames.of(format));
    }

    @Override
    public String streamContentType() {
        return HttpResponses.EVENT_STREAM;
    }

    @Override
    public ByteBuffer[] opening() {
        return format.kind() == JobKind.CHAT ? new ByteBuffer[] {SseFrames.event(0, format.roleChunk())}
                : new ByteBuffer[0];
    }

    @Override
    public ByteBuffer content(String text, long offset) {
        return chunks.text(offset, text);
    }

    @Override
    public ByteBuffer reasoning(String text, long offset) {
        return chunks.reasoning(offset, text);
    }

    @Override
    public ByteBuffer toolCall(int index, ToolCall call, long offset) {
        return SseFrames.event(offset, format.toolCallChunk(index, call));
    }

    @Override
    public ByteBuffer[] finish(Event finish, String finishReason, long offset, long elapsedNanos) {
        ByteBuffer last = SseFrames.event(offset, format.finishChunk(finishReason));
        return includeUsage
                ? new ByteBuffer[] {last, SseFrames.event(offset, format.usageChunk(finish.usage())), SseFrames.done()}
                : new ByteBuffer[] {last, SseFrames.done()};
    }

    @Override
    public ByteBuffer timing(HopReport report, long offset) {
        return SseFrames.event(offset, report.openAiChunk(format));
    }

    @Override
    public ByteBuffer[] error(ApiError error) {
        return new ByteBuffer[] {SseFrames.error(error), SseFrames.done()};
    }

    @Override
    public ByteBuffer keepAlive() {
        return SseFrames.comment();
    }

    @Override
    public byte[] whole(CompletionFormat.Answer answer, String finishReason, Event finish, long elapsedNanos) {
        return format.completion(answer, finishReason, finish.usage());
    }
}
