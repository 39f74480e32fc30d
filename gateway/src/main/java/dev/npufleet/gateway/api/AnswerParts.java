package dev.npufleet.gateway.api;

import dev.npufleet.protocol.ToolCall;
import java.util.ArrayList;
import java.util.List;

/** A whole answer through a splitter at once (a finished job's answer read back from the log). Stateless. */
final class AnswerParts {
    private AnswerParts() {
    }

    static CompletionFormat.Answer of(AnswerSplitter splitter, String text) {
        StringBuilder content = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        AnswerSplitter.Sink sink = new AnswerSplitter.Sink() {
            @Override
            public void reasoning(String t) {
                reasoning.append(t);
            }

            @Override
            public void content(String t) {
                content.append(t);
            }

            @Override
            public void toolCall(int index, ToolCall call) {
                calls.add(call);
            }
        };
        splitter.accept(text, sink);
        splitter.finish(sink);
        return new CompletionFormat.Answer(content.toString(), reasoning.toString(), calls);
    }
}
