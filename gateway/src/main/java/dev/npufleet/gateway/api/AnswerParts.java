package dev.npufleet.gateway.api;

import dev.npufleet.protocol.ToolCall;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects an answer's parts (content, reasoning, tool calls) as a splitter hands them out, for an answer given
 * whole: a unary response, or a finished job's answer read back from the log. One thread at a time.
 */
public final class AnswerParts implements AnswerSplitter.Sink {
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final List<ToolCall> calls = new ArrayList<>();

    /** A whole answer through a splitter at once. */
    static CompletionFormat.Answer of(AnswerSplitter splitter, String text) {
        AnswerParts parts = new AnswerParts();
        splitter.accept(text, parts);
        splitter.finish(parts);
        return parts.answer();
    }

    @Override
    public void reasoning(String text) {
        reasoning.append(text);
    }

    @Override
    public void content(String text) {
        content.append(text);
    }

    @Override
    public void toolCall(int index, ToolCall call) {
        calls.add(call);
    }

    public int toolCalls() {
        return calls.size();
    }

    public CompletionFormat.Answer answer() {
        return new CompletionFormat.Answer(content.toString(), reasoning.toString(), calls);
    }
}
