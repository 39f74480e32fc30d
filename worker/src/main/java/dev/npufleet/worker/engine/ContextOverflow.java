package dev.npufleet.worker.engine;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a runtime's refusal of a prompt too long for its context into OpenAI's
 * {@code context_length_exceeded}, with the numbers when the runtime gives them (the simulator's message
 * does; the vendor runtime only fails). Stateless.
 */
final class ContextOverflow {
    private static final Pattern TOKENS = Pattern.compile("(\\d+) tokens");

    private ContextOverflow() {
    }

    /** The runtime's message names max_context_len: take the prompt's token count from it when it is there. */
    static InferenceException fromRuntime(String message, int maxContext, Throwable cause) {
        Matcher m = TOKENS.matcher(message);
        int tokens = -1;
        while (m.find()) {
            tokens = Math.max(tokens, Integer.parseInt(m.group(1)));
        }
        String count = tokens >= 0 ? String.valueOf(tokens) : "more than " + maxContext;
        return InferenceException.invalid("messages", "context_length_exceeded", "This model's maximum context length is "
                + maxContext + " tokens. However, your messages resulted in " + count
                + " tokens (with the chat template). Please reduce the length of the messages.", cause);
    }

    /**
     * A vendor run that failed without a reason, for a prompt long enough to be the cause: every token is at least
     * one byte, so a prompt of fewer bytes than the context certainly fits and is not reported so.
     */
    static InferenceException unexplained(int promptBytes, int maxContext, Throwable cause) {
        return InferenceException.invalid("messages", "context_length_exceeded", "This model's maximum context length is "
                + maxContext + " tokens. The runtime refused your messages (" + promptBytes
                + " bytes with the chat template) without a reason; they are likely too long. Please reduce the length"
                + " of the messages.", cause);
    }
}
