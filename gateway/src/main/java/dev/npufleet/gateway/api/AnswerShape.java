package dev.npufleet.gateway.api;

import dev.npufleet.protocol.ChatOptions;
import java.util.HashSet;
import java.util.Set;

/**
 * What a request's answer may hold, from its tools: which functions may be called, whether several calls may
 * be, whether a call is required ({@code tool_choice} {@code required} or a named function: the runtime cannot
 * force one, so an answer without it is an error, {@code tool_call_missing}). Completions are never split.
 * Immutable.
 *
 * @param split a chat answer: split into reasoning, text and calls
 */
public record AnswerShape(boolean split, Set<String> offered, boolean parallel, boolean callRequired) {

    /** A completion's: the text as it is. */
    public static final AnswerShape RAW = new AnswerShape(false, Set.of(), true, false);

    public AnswerShape {
        offered = Set.copyOf(offered);
    }

    public static AnswerShape of(InferenceRequest request) {
        if (!request.isChat()) {
            return RAW;
        }
        ChatOptions o = request.chatOptions();
        Set<String> names = new HashSet<>();
        if (o.offersTools()) {
            o.tools().forEach(t -> names.add(t.at("/function/name").asText()));
        }
        String choice = o.toolChoice() == null ? "auto" : o.toolChoice();
        return new AnswerShape(true, names, !Boolean.FALSE.equals(o.parallelToolCalls()),
                o.offersTools() && !choice.equals("auto"));
    }

    /** A splitter for one answer of the job. */
    public AnswerSplitter splitter(boolean opensThinking, String jobId) {
        return new AnswerSplitter(opensThinking, offered, parallel, "call_" + jobId.replace("-", "").substring(0, 20) + "_");
    }

    /** OpenAI's reason: {@code tool_calls} when the answer ended by calling. */
    public String finishReason(String wire, int calls) {
        return calls > 0 && (wire == null || wire.equals("stop")) ? "tool_calls" : wire;
    }

    /** The error of an answer that did not call as {@code tool_choice} required, or null. */
    public ApiError missingCall(int calls) {
        if (!callRequired || calls > 0) {
            return null;
        }
        return new ApiError(500, ErrorMapping.SERVER_ERROR, "tool_call_missing", "tool_choice", "tool_choice asked"
                + " for a tool call, but the model answered without one (the runtime cannot force a call).");
    }
}
